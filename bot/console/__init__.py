"""Console mode: the whole bot with no Slack account, the stand-in Web API, request signing."""
