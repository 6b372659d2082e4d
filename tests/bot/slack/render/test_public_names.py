from __future__ import annotations

import bot.slack.render as render


def test_render_public_names_are_exactly_the_intended_ones() -> None:
    assert set(render.__all__) == {
        "SlackMessage", "advice_messages", "decision_summary", "escape", "facts_modal",
        "forget_confirm_message", "forget_done_text", "help_message", "history_messages", "home_view",
        "model_options", "parse_facts_submission", "recheck_message", "reminder_already_text",
        "reminder_message", "reminder_scheduled_text", "reply_messages", "what_if_modal",
    }
    assert all(hasattr(render, name) for name in render.__all__)
