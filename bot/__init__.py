"""llm-advisor's conversation engine, adapters (Slack, terminal), rendering and CLI."""
