"""The Slack edge: Bolt listeners, Web API client, Block Kit rendering."""
