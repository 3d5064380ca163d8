"""The Slack Web API as the bot's own services call it: direct messages and channel
posts, Slack's error codes, users' time zones. Bolt's app and listeners are in `slack/`."""
