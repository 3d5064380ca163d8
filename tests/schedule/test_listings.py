"""The nine talk-list posts in ../shared/schedules/cilium load completely and right.

Expected values were read off the posts by hand: count of talks, and for a sample of
each post's talks (the first, the tricky ones, the last) title, speakers, start, end.
"""

from __future__ import annotations

import pytest

from bot.schedule import load_schedule
from tests.conftest import shared_file

# file: (venue zone, number of sessions, [(id, start, end HH:MM, title, [speaker names])])
LISTINGS = {
    "2022-05-10-kubecon-eu-talks.md": ("Europe/Madrid", 11, [
        ("zrPW", "2022-05-16T10:45:00+02:00", "11:15",
         "IKEA Private Cloud, eBPF Based Networking, Load Balancing, and Observability with Cilium", []),
        ("zso2", "2022-05-16T10:50:00+02:00", "11:20", "Leveraging Cilium and SRv6 for Telco Networking", []),
        ("zsaO", "2022-05-17T16:05:00+02:00", "17:05",
         "The Future of Service Mesh: Is eBPF a Silver Lining or a Silver Bullet", []),
        ("yttj", "2022-05-20T16:00:00+02:00", "16:35", "A Guided Tour of Cilium Service Mesh", []),
    ]),
    "2022-10-18-kubecon-talks.md": ("America/Detroit", 14, [
        ("1Azt0", "2022-10-25T15:30:00-04:00", "16:00", "How Many Proxies Do You Need?",
         ["Liz Rice", "Thomas Graf"]),
        ("1Auye", "2022-10-24T09:15:00-04:00", "09:20", "Keynote: eBPF - Everything You Need to Know in 5 Minutes",
         ["Thomas Graf"]),
        ("182Ej", "2022-10-27T15:25:00-04:00", "16:00", "Hack Back; Let’s Learn Security With CTFs!",
         ["Lewis Denham-Parry", "Natalia Reka Ivanko"]),
    ]),
    "2023-04-03-eu-talks.md": ("Europe/Amsterdam", 16, [
        ("1Jo6C", "2023-04-18T09:25:00+02:00", "09:45", "The Cilium Story - Why We Created Cilium", ["Thomas Graf"]),
        ("1Jo69", "2023-04-18T09:15:00+02:00", "09:20",
         "Sponsored Keynote: Cilium on Azure: Most Scalable and Performant Implementation in the Cloud",
         ["Deepak Bansal"]),
        ("1Jo6R", "2023-04-18T11:55:00+02:00", "12:20",
         "More Churn No Problem: Lessons Learned Running Cilium in Production", ["Lu Zhang", "Madhu C.S."]),
        ("1HyTU", "2023-04-19T17:25:00+02:00", "18:00", "Cilium Updates, News, Roadmap, and in the Wild",
         ["Liz Rice", "Andy Allred", "Richard Hartmann"]),
        ("1HyYo", "2023-04-21T14:55:00+02:00", "15:30",
         "Effortless Open Source Observability with Cilium, Prometheus and Grafana - LGTM!",
         ["Raymond de Jong", "Anna Kapuścińska"]),
        ("1Hyaz", "2023-04-21T16:55:00+02:00", "17:30", "Keeping It Simple: Cilium Networking for Multicloud Kubernetes",
         ["Liz Rice"]),
    ]),
    "2023-10-30-cilium-at-kubecon-na.md": ("America/Chicago", 25, [
        ("1RqJH", "2023-11-06T10:30:00-06:00", "10:35", "Sponsored Keynote: Effortless Mutual Authentication With Cilium",
         ["Christine Kim"]),
        ("1Rj3S", "2023-11-06T12:15:00-06:00", "12:40",
         "Past, Present, Future of Tetragon- First Production Use Cases, Lessons Learnt, Where Are We Heading?",
         ["Natalia Reka Ivanko", "John Fastabend"]),
        ("1R4Zf", "2023-11-07T10:00:00-06:00", "10:15", "Keynote: CNCF Graduated Project Updates", []),
        ("1R2ts", "2023-11-07T17:25:00-06:00", "18:00", "Service Mesh Battle Scars: Technology, Timing, and Tradeoffs",
         ["Keith Mattix", "John Howard", "Lin Sun", "Thomas Graf", "Flynn"]),
        ("1R2v2", "2023-11-08T17:25:00-06:00", "18:00",
         "Paint the Picture! - Detecting Suspicious Data Patterns in Encrypted Traffic with eBPF and KTLS",
         ["Natalia Reka Ivanko", "John Fastabend"]),
        ("1RHS7", "2023-11-08T18:15:00-06:00", "19:00", "Documentary Film - eBPF: Unlocking the Kernel", []),
        ("1R2ux", "2023-11-09T14:00:00-06:00", "14:35", "Cilium: From Service Mesh to Kubernetes and Beyond with eBPF",
         ["James McShane", "Hemanth Malla", "Liz Rice", "Thomas Graf"]),
        ("1R2vB", "2023-11-09T14:55:00-06:00", "15:30", "Scaling Kubernetes Networking to 1k, 5k, ... 100k Nodes!?",
         ["Marcel Zięba", "Dorde Lapcevic"]),
    ]),
    "2024-02-02-cilium-talks-at-kubecon-eu-2024.md": ("Europe/Paris", 26, [
        ("1ZJA8", "2024-03-19T09:15:00+01:00", "09:40", "Deep Dive Into Cilium Resilient Architecture",
         ["Jussi Mäki", "Martynas Pumputis"]),
        ("1YFfN", "2024-03-19T11:05:00+01:00", "11:30",
         "Bee-Lieve in the Metadata: Pollenating Build Attestations on Kubernetes with Tetragon and EBPF",
         ["Tom Meadows"]),
        ("1YeQJ", "2024-03-21T17:25:00+01:00", "18:00",
         "Running PCI-DSS Certified Kubernetes Workloads in the Public Cloud", ["Stephen Hoekstra"]),
        ("1YeR5", "2024-03-22T11:00:00+01:00", "11:35",
         "At the Intersection of Cilium CNI and Service Mesh - Who Has the Right of Way?🚦", ["Christine Kim"]),
        ("1YeRx", "2024-03-22T14:55:00+01:00", "15:30", "Comparing Sidecar-Less Service Mesh from Cilium and Istio",
         ["Christian Posta"]),
    ]),
    "2024-10-04-cilium-talks-at-kubecon-na-2024.md": ("America/Denver", 23, [
        ("1j2dF", "2024-11-12T09:00:00-07:00", "09:10", "Cilium + eBPF Day | Welcome + Opening Remarks",
         ["Bill Mulligan", "Vlad Ungureanu"]),
        ("1izr8", "2024-11-12T11:50:00-07:00", "12:25", "Panel: Exploring eBPF Use Cases in Cloud-Native Security",
         ["Oshrat Nir", "Anna Kapuścińska", "Whitney Lee", "Maya Singh", "Cortney Nickerson"]),
        ("1i7qS", "2024-11-15T14:00:00-07:00", "14:35",
         "Micro-Segmentation and Multi-Tenancy: The Brown M&Ms of Platform Engineering", []),
        ("1hoyj", "2024-11-14T16:30:00-07:00", "18:00", "🚨 Contribfest: Kickstart Your eBPF Journey with Tetragon", []),
        ("1i7qb", "2024-11-15T14:00:00-07:00", "14:35",
         "Seccomp and eBPF; What’s the Difference? Why Do I Need to Know?", ["Natalia Reka Ivanko", "Duffie Cooley"]),
    ]),
    "2025-02-21-cilium-at-kubecon-eu.md": ("Europe/London", 10, [
        ("1u5f2", "2025-04-01T09:00:00+01:00", "09:05", "CiliumCon | Welcome + Opening Remarks",
         ["Hemanth Malla", "Bill Mulligan"]),
        ("1u5fB", "2025-04-01T10:15:00+01:00", "10:20",
         "Sponsored Keynote: Cilium’s Honeycomb: Cultivating Technical Excellence in a Diverse Ecosystem",
         ["Donia Chaiehloudj"]),
        ("1u5fQ", "2025-04-01T12:15:00+01:00", "12:25", "Lightning Talk: High Availability for Cilium Egress Gateway",
         ["Angelo Conforti"]),
        ("1tcxw", "2025-04-02T15:15:00+01:00", "15:45",
         "Simplifying the Networking and Security Stack With Cilium, Hubble, and Tetragon",
         ["Bill Mulligan", "Anna Kapuścińska", "Dorde Lapcevic", "Amir Kheirkhahan"]),
    ]),
    "2025-08-20-cillium-at-kubecon-na-2025.md": ("America/New_York", 15, [
        ("28F61", "2025-11-10T09:00:00-05:00", "09:05", "CiliumCon | Welcome + Opening Remarks",
         ["Hemanth Malla", "Bill Mulligan"]),
        ("28F6G", "2025-11-10T10:15:00-05:00", "10:20", "CiliumCon Sponsored Keynote: Liz Rice, Isovalent at Cisco",
         ["Liz Rice"]),
        ("28D2Q", "2025-11-10T11:50:00-05:00", "12:15",
         "Can We Really Parse DNS in eBPF ? Improving Cilium ToFQDN With In-kernel Policy Updates", ["Hemanth Malla"]),
        ("28D2o", "2025-11-10T12:20:00-05:00", "12:30",
         "⚡Lightning Talk: Taming the BPF LRU: Eliminating TCP Resets in Cilium", ["Gyu Tae Bae"]),
        ("28D0X", "2025-11-10T10:40:00-05:00", "11:05",
         "From Squire To Network Knight: Defending the Kubernetes Castle the Cloud Native Way", ["Donia Chaiehloudj"]),
        ("27FXg", "2025-11-11T17:00:00-05:00", "17:30",
         "QEMU in the Fast Lane: Accelerating KubeVirt Networking With eBPF", ["Daniel Borkmann", "Anton Protopopov"]),
        ("27FbS", "2025-11-12T16:45:00-05:00", "17:15", "TikTok's IPv6 Journey To Cilium: Pitfalls and Lessons Learned",
         ["Giri Kuncoro", "Joseph Pallamidessi"]),
    ]),
    "2026-01-23-cilium-at-kubecon-eu-26.md": ("Europe/Amsterdam", 16, [
        ("2DZMa", "2026-03-23T13:25:00+01:00", "13:30", "Welcome + Opening Remarks", ["Hemanth Malla", "Mahé Tardy"]),
        ("2DY58", "2026-03-23T13:35:00+01:00", "14:00", "Network Flow Aggregation: Pay for the Logs You Care About!",
         ["Mereta Degutyte", "Anubhab Majumdar"]),
        ("2DY8x", "2026-03-23T17:00:00+01:00", "17:10",
         "⚡Lightning Talk: What's Happening in Cilium? Current Projects You Need To See", ["Martynas Pumputis"]),
        ("2EFwm", "2026-03-23T09:52:00+01:00", "09:57",
         "Project Lightning Talk: Translating eBPF Into Business Value: Lessons From The Cilium Website",
         ["Bill Mulligan"]),
        ("2CW34", "2026-03-25T15:00:00+01:00", "15:30", "Invisible Guardrails: Enabling Developer Velocity With a Secure Platform",
         ["James Elías Sigurðarson", "Vignir Hafsteinsson"]),
        ("2CW1T", "2026-03-25T17:30:00+01:00", "18:00",
         "Observing Chaos: Real-Time Monitoring of AI-Driven Kubernetes Destruction", ["Josh Halley", "Ricardo Aravena"]),
    ]),
}  # fmt: skip


@pytest.fixture(scope="module")
def loaded():
    cache = {}

    def load(name):
        if name not in cache:
            zone = LISTINGS[name][0]
            cache[name] = load_schedule(shared_file(f"cilium/{name}"), zone)
        return cache[name]

    return load


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_listing_loads_every_talk(name, loaded):
    zone, count, _ = LISTINGS[name]
    schedule, _ = loaded(name)
    assert len(schedule) == count
    assert len(set(schedule.ids)) == count
    assert schedule.zone.key == zone
    for session in schedule:
        assert session.start <= session.end
        assert session.title and "](" not in session.title and "**" not in session.title


@pytest.mark.parametrize(
    ("name", "expected"),
    [(name, sample) for name, (_, _, samples) in sorted(LISTINGS.items()) for sample in samples],
    ids=lambda value: value if isinstance(value, str) else value[0],
)
def test_listing_sample_talk(name, expected, loaded):
    session_id, start, end, title, speakers = expected
    schedule, _ = loaded(name)
    session = schedule.get(session_id)
    assert session is not None, f"{session_id} missing from {name}"
    assert (session.start.isoformat(), f"{session.end:%H:%M}", session.title, [p.name for p in session.speakers]) == (
        start,
        end,
        title,
        speakers,
    )


def test_shared_url_still_gives_unique_ids(loaded):
    """Two lightning talks in the 2026 post link the same Sched event."""
    schedule, _ = loaded("2026-01-23-cilium-at-kubecon-eu-26.md")
    same_link = [s for s in schedule if s.url and "2DY8x" in s.url]
    assert len(same_link) == 2
    assert len({s.id for s in same_link}) == 2
    again, _ = load_schedule(shared_file("cilium/2026-01-23-cilium-at-kubecon-eu-26.md"), "Europe/Amsterdam")
    assert again.ids == schedule.ids  # stable across runs


def test_placeholder_links_give_title_ids(loaded):
    schedule, _ = loaded("2024-10-04-cilium-talks-at-kubecon-na-2024.md")
    placeholders = [s for s in schedule if s.url == "https://kccncna2024.sched.com/#"]
    assert [s.title for s in placeholders] == [
        "Understanding Kubernetes Networking in 30 Minutes",
        "The Key Value of Etcd Over Custom Resources: Scalability",
    ]
    assert all(len(s.id) == 5 and s.id.isalnum() for s in placeholders)


def test_affiliations_roles_and_organisations_with_commas(loaded):
    schedule, _ = loaded("2024-10-04-cilium-talks-at-kubecon-na-2024.md")
    panel = schedule.get("1izr8")
    assert [(p.name, p.affiliation) for p in panel.speakers][:3] == [
        ("Oshrat Nir", "ARMO"),
        ("Anna Kapuścińska", "Isovalent, now part of Cisco"),
        ("Whitney Lee", "CNCF Ambassador"),
    ]
    schedule, _ = loaded("2023-10-30-cilium-at-kubecon-na.md")
    assert [(p.name, p.affiliation) for p in schedule.get("1Rj2m").speakers] == [
        ("Timur Solodovnikov", "ClickHouse, Inc")
    ]


def test_tracks_come_from_headings_and_line_prefixes(loaded):
    schedule, _ = loaded("2025-08-20-cillium-at-kubecon-na-2025.md")
    assert schedule.get("28F61").track == "CiliumCon"
    assert schedule.get("28D0X").track == "Cloud Native University"
    assert schedule.get("28D14").track == "Observability Day"


def test_talk_without_time_is_a_warning_not_a_session(loaded):
    schedule, warnings = loaded("2025-02-21-cilium-at-kubecon-eu.md")
    assert [(w.line, w.message) for w in warnings] == [
        (44, 'no date/time for "That’s Just My Cup of Tea: Configuring Cilium for Performance and Scale"'),
    ]
    assert all("Cup of Tea" not in s.title for s in schedule)


def test_year_comes_from_next_year_when_weekday_says_so(loaded):
    """The 2026 post's front matter says 2025; Monday 23 March is 2026."""
    schedule, _ = loaded("2026-01-23-cilium-at-kubecon-eu-26.md")
    assert {d.year for d in schedule.days} == {2026}


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_reusing_the_unaided_reading_changes_nothing(name):
    """The loader skips the second split of a title when the document knows none of the
    names the first one asked about; the result must be what a fresh split gives."""
    from bot.schedule import markdown
    from bot.schedule.document import parse_blocks
    from bot.schedule.front_matter import date_resolver, split_post
    from bot.schedule.reader import read_talks
    from bot.schedule.speakers import parse_speakers, split_title

    text = shared_file(f"cilium/{name}").read_text(encoding="utf-8")
    post = split_post(name, text)
    drafts = read_talks(parse_blocks(post.body, post.body_line), date_resolver([]), name, [])
    known = markdown._people_named(drafts, [])
    assert drafts
    for draft in drafts:
        if (draft.speakers_text and parse_speakers(draft.speakers_text, known)) or draft.speaker_names:
            continue
        assert markdown._split(draft, known) == split_title(draft.title, known)
