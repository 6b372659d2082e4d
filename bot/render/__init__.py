"""Renderers: our own types in, text or Slack Block Kit out. No I/O."""
