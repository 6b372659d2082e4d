"""The Slack adapter: Bolt listeners that translate Slack payloads to engine calls and back."""
