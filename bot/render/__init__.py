"""Format-neutral rendering: advice as worded rows, terminal text, the cost chart. No I/O.

Block Kit is built from the same rows in bot/slack/render.
"""
