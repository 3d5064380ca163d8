"""What attendees type, and the talk they want first (bundled schedule).

Shared by tests/test_search.py (which asserts the hit rate) and bench/search_quality.py
(which prints it against plain substring matching).
"""

QUERIES = [
    ("cillium", "1Auyq"),  # typo; first Cilium-titled talk of the day
    ("hubbel", "1Avqp"),
    ("tetragn", "1AOie"),
    ("obsrvability", "1Avqp"),
    ("liz", "182NR"),
    ("rice", "182NR"),
    ("thomas graf", "1Auye"),
    ("kapuscinska", "1Avqp"),
    ("anna", "1Avqp"),
    ("srv6", "1AuzH"),
    ("security profiles", "1Auz2"),
    ("network policies", "1AOju"),
    ("ctf", "182Ej"),
    ("witness", "1AOie"),
    ("golden metrics", "1Auyq"),
    ("cluster mesh", "1ARMh"),
    ("roadmap", "182NR"),
    ("100gbit", "182DB"),
    ("panel", "1AuzK"),
    ("project meeting", "1BaT3"),
    ("grafana", "1Avqp"),
    ("bell canada", "1AuzH"),
    ("supply chain", "1AOie"),
    ("borkmann", "182DB"),
    ("nataila ivanko", "1Auz2"),  # typo in a first name
    ("sidecarless metrics", "1Auyq"),
    ("edge affinity", "1ARMh"),
    ("workshop", "1AOju"),
    ("ipv6", "182DB"),
    ("keynote ebpf", "1Auye"),
]
