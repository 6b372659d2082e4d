"""The Slack fakes work with the real slack_sdk and slack_bolt."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, Say
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from . import payloads
from .fake_slack import RESPONSE_URL, UPLOAD, FakeSlack
from .signing import (
    FORM,
    JSON,
    action_body,
    block_action,
    bolt_request,
    command_body,
    event_body,
    post,
    retry_headers,
    view_submission,
)

SECRET = "test-signing-secret"
BLOCKS: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Hybrid* wins"}}]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.base_url)


@pytest.fixture
def app(fake: FakeSlack) -> App:
    bolt = App(
        token="xoxb-test",
        signing_secret=SECRET,
        client=WebClient(token="xoxb-test", base_url=fake.base_url),
    )

    @bolt.event("app_mention")
    def on_mention(event: dict[str, Any], say: Say) -> None:
        say(text=f"echo: {event['text']}", thread_ts=event.get("thread_ts") or event["ts"])

    @bolt.command("/llm-advisor")
    def on_command(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=f"got {command['text']} from {command['user_id']}")

    @bolt.action("pick")
    def on_pick(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        container = body["container"]
        value = body["actions"][0]["value"]
        client.chat_postMessage(channel=container["channel_id"], thread_ts=container["thread_ts"], text=value)

    @bolt.view("intake")
    def on_intake(ack: Ack, view: dict[str, Any]) -> None:
        ack(response_action="errors", errors={"b": view["state"]["values"]["b"]["a"]["value"]})

    return bolt


# ---------------------------------------------------------------------------- the fake Web API


def test_post_message_with_blocks_is_recorded_with_decoded_blocks(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="Hybrid wins", blocks=BLOCKS,
                                   thread_ts="1712345678.000001")
    second = client.chat_postMessage(channel="C1", text="again")

    call = fake.wait_for("chat.postMessage", count=2)[0]
    assert call.params["blocks"] == BLOCKS
    assert call.params["channel"] == "C1" and call.params["thread_ts"] == "1712345678.000001"
    assert call.headers["authorization"] == "Bearer xoxb-test"
    assert call.headers["content-type"].startswith("application/json")  # slack_sdk sends JSON here
    assert first["message"]["blocks"] == BLOCKS and first["message"]["thread_ts"] == "1712345678.000001"
    assert float(second["ts"]) > float(first["ts"])
    assert first["ts"] == "1712345678.000100"


def test_form_encoded_json_strings_are_decoded(fake: FakeSlack) -> None:
    # chat.getPermalink / pins.add etc. go form-encoded; blocks as a JSON string in a form body decode too.
    client = WebClient(token="xoxb-test", base_url=fake.base_url + "api/")
    client.api_call("chat.postMessage", params={"channel": "C1", "text": "t", "blocks": json.dumps(BLOCKS)})
    link = client.chat_getPermalink(channel="C9", message_ts="1712345678.000100")

    call = fake.last("chat.postMessage")
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert call.params["blocks"] == BLOCKS
    assert link["permalink"] == "https://acme.slack.com/archives/C9/p1712345678000100"
    assert [c.method for c in fake.calls()] == ["chat.postMessage", "chat.getPermalink"]


def test_plausible_answers(fake: FakeSlack, client: WebClient) -> None:
    auth = client.auth_test()
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("UBOT", "BBOT", "T1")
    title = {"type": "plain_text", "text": "Intake"}
    opened = client.views_open(trigger_id="t", view={"type": "modal", "title": title,
                                                     "callback_id": "intake", "blocks": []})
    updated = client.views_update(view_id=opened["view"]["id"],
                                  view={"type": "modal", "title": title, "blocks": BLOCKS})
    assert updated["view"]["id"] == opened["view"]["id"] and updated["view"]["blocks"] == BLOCKS
    assert client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]["type"] == "home"
    assert client.conversations_info(channel="C1")["channel"]["is_member"] is True
    assert client.users_info(user="U7")["user"]["id"] == "U7"
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    assert client.reactions_add(channel="C1", timestamp="1.0", name="eyes")["ok"]
    assert client.api_call("some.unknownMethod")["ok"]
    fake.override("conversations.info", channel={"id": "C2", "is_member": False})
    assert client.conversations_info(channel="C2")["channel"]["is_member"] is False
    assert fake.calls("views.open")[0].params["view"]["callback_id"] == "intake"


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    result = client.files_upload_v2(content=b"png bytes", filename="x.png", channel="C1",
                                 thread_ts="1712345678.000001")

    assert [c.method for c in fake.calls()] == [
        "files.getUploadURLExternal",
        UPLOAD,
        "files.completeUploadExternal",
    ]
    get_url, upload, complete = fake.calls()
    assert get_url.params["filename"] == "x.png" and get_url.params["length"] == str(len(b"png bytes"))
    assert upload.params == {"file_id": get_url.response["file_id"], "length": len(b"png bytes")}  # type: ignore[index]
    assert upload.raw == b"png bytes"
    assert complete.params["channel_id"] == "C1" and complete.params["thread_ts"] == "1712345678.000001"
    assert complete.params["files"][0]["id"] == upload.params["file_id"]
    assert result["file"]["id"] == upload.params["file_id"]


def test_rate_limit_is_retried_after_retry_after(fake: FakeSlack) -> None:
    client = WebClient(
        token="xoxb-test",
        base_url=fake.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    fake.status("chat.postMessage", code=429, retry_after=0)

    response = client.chat_postMessage(channel="C1", text="hello")

    assert response["ok"] is True
    calls = fake.calls("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].response == {"ok": False, "error": "ratelimited"}


def test_rate_limit_without_retry_handler_raises(fake: FakeSlack, client: WebClient) -> None:
    fake.status("chat.update", code=429, retry_after=3)
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel="C1", ts="1712345678.000001", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "3"


def test_server_error_status(fake: FakeSlack, client: WebClient) -> None:
    fake.status("pins.add", code=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.pins_add(channel="C1", timestamp="1.0")
        assert raised.value.response.status_code == 503
    assert client.pins_add(channel="C1", timestamp="1.0")["ok"] is True


def test_scripted_error_raises_then_recovers(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", error="not_in_channel")

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="hello")
    assert raised.value.response["error"] == "not_in_channel"
    assert client.chat_postMessage(channel="C1", text="hello")["ok"] is True
    assert [c.ok for c in fake.calls("chat.postMessage")] == [False, True]
    assert "not_in_channel" in fake.summary()


def test_wait_for_times_out_with_a_summary(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"chat\.postMessage.*received: auth\.test"):
        fake.wait_for("chat.postMessage", timeout=0.2)
    fake.reset()
    assert fake.calls() == []


def test_latency_delays_answers() -> None:
    with FakeSlack(latency=0.2) as fake:
        started = time.monotonic()
        WebClient(token="xoxb-test", base_url=fake.base_url).auth_test()
        assert time.monotonic() - started >= 0.2


# ---------------------------------------------------------------------------- Bolt with signed requests


def test_signed_app_mention_reaches_the_listener(fake: FakeSlack, app: App) -> None:
    event = payloads.app_mention(f"{payloads.BOT_MENTION} which model?", thread_ts=None)
    response = app.dispatch(bolt_request(event_body(event), JSON, SECRET))

    assert response.status == 200
    posted = fake.wait_for("chat.postMessage")[0]
    assert posted.params["channel"] == "C1"
    assert posted.params["thread_ts"] == event["ts"]
    assert posted.params["text"] == "echo: <@UBOT> which model?"


def test_retried_event_is_still_signed(fake: FakeSlack, app: App) -> None:
    body = event_body(payloads.app_mention("<@UBOT> hi"))
    response = app.dispatch(bolt_request(body, JSON, SECRET, retry_headers(1, "http_timeout")))
    assert response.status == 200
    fake.wait_for("chat.postMessage")


def test_wrong_signature_is_rejected(fake: FakeSlack, app: App) -> None:
    body = event_body(payloads.app_mention("<@UBOT> hi"))
    assert app.dispatch(bolt_request(body, JSON, "not-the-secret")).status == 401


def test_stale_timestamp_is_rejected(fake: FakeSlack, app: App) -> None:
    body = event_body(payloads.app_mention("<@UBOT> hi"))
    stale = int(time.time()) - 600
    assert app.dispatch(bolt_request(body, JSON, SECRET, timestamp=stale)).status == 401
    assert fake.calls("chat.postMessage") == []


def test_own_bot_message_is_dropped_by_bolt(fake: FakeSlack, app: App) -> None:
    seen: list[str] = []
    app.message("")(lambda message: seen.append(message["text"]))
    own = payloads.bot_message("mine", bot_id="BBOT")
    other = payloads.bot_message("theirs")
    assert app.dispatch(bolt_request(event_body(own), JSON, SECRET)).status == 200
    assert app.dispatch(bolt_request(event_body(other), JSON, SECRET)).status == 200
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert seen == ["theirs"]


def test_slash_command_form_body(app: App) -> None:
    response = app.dispatch(bolt_request(command_body("compare gpt vs llama", user_id="U5"), FORM, SECRET))
    assert response.status == 200
    assert response.body == "got compare gpt vs llama from U5"


def test_block_action_and_view_submission(fake: FakeSlack, app: App) -> None:
    click = block_action("pick", "hybrid", message_ts="1712345678.000200", thread_ts="1712345678.000100")
    assert app.dispatch(bolt_request(action_body(click), None, SECRET)).status == 200
    posted = fake.wait_for("chat.postMessage")[0]
    assert (posted["text"], posted["thread_ts"]) == ("hybrid", "1712345678.000100")

    submit = view_submission("intake", {"b": {"a": "12 QPS"}}, private_metadata='{"thread": "1.0"}')
    response = app.dispatch(bolt_request(action_body(submit), FORM, SECRET))
    assert response.status == 200
    assert json.loads(response.body) == {"response_action": "errors", "errors": {"b": "12 QPS"}}


def test_payload_shapes() -> None:
    reply = payloads.message("hi", thread_ts="1.0", channel_type="im", channel="D1")
    assert reply["thread_ts"] == "1.0" and reply["channel_type"] == "im" and "subtype" not in reply
    edit = payloads.message_changed("new", "old", ts="2.0")
    assert edit["subtype"] == "message_changed" and edit["message"]["ts"] == "2.0"
    assert edit["previous_message"]["text"] == "old"
    assert payloads.channel_join()["subtype"] == "channel_join"
    assert payloads.app_home_opened("U3")["tab"] == "home"
    first, second = payloads.new_ts(), payloads.new_ts()
    assert tuple(map(int, first.split("."))) < tuple(map(int, second.split(".")))


def test_post_signs_requests_over_http(fake: FakeSlack) -> None:
    body = command_body("hi")
    status, answer = post(fake.response_url("cmd"), body, None, SECRET, {"X-Slack-Retry-Num": "2"})

    assert (status, json.loads(answer)) == (200, {"ok": True})
    call = fake.last(RESPONSE_URL)
    assert call.params["_name"] == "cmd" and call.params["text"] == "hi"
    assert call.headers["content-type"] == FORM
    assert call.headers["x-slack-signature"].startswith("v0=")
    assert call.headers["x-slack-retry-num"] == "2"

    fake.status(RESPONSE_URL, code=500, body="boom")
    assert post(fake.response_url(), body, FORM, SECRET) == (500, "boom")


# ---------------------------------------------------------------------------- as strict as Slack


@pytest.mark.parametrize("thread_ts", ["dm", "pending", "1.0", "1712345678"])
def test_a_thread_ts_that_is_not_a_message_timestamp_is_refused(
        fake: FakeSlack, client: WebClient, thread_ts: str) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="x", thread_ts=thread_ts)
    assert raised.value.response["error"] == "invalid_thread_ts"
    with pytest.raises(SlackApiError) as ephemeral:
        client.chat_postEphemeral(channel="C1", user="U1", text="x", thread_ts=thread_ts)
    assert ephemeral.value.response["error"] == "invalid_thread_ts"


@pytest.mark.parametrize("method", ["chat_postMessage", "chat_postEphemeral"])
def test_posting_to_a_user_id_is_refused(fake: FakeSlack, client: WebClient, method: str) -> None:
    with pytest.raises(SlackApiError) as raised:
        getattr(client, method)(channel="U1", user="U1", text="x")
    assert raised.value.response["error"] == "channel_not_found"


def test_conversations_open_gives_the_dm_channel_that_takes_posts(fake: FakeSlack,
                                                                   client: WebClient) -> None:
    opened = client.conversations_open(users="U7")
    channel = opened["channel"]["id"]
    assert channel.startswith("D")
    posted = client.chat_postMessage(channel=channel, text="hello")
    assert posted["channel"] == channel
    with pytest.raises(SlackApiError) as raised:
        client.conversations_open(users="C1")
    assert raised.value.response["error"] == "user_not_found"


def test_only_posted_messages_can_be_edited_and_the_edit_is_kept(fake: FakeSlack,
                                                                  client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="first", thread_ts="1712345678.000001")
    client.chat_update(channel="C1", ts=posted["ts"], text="second")
    now = fake.posted("C1", posted["ts"])
    assert now is not None and now["text"] == "second" and now["thread_ts"] == "1712345678.000001"
    replies = client.conversations_replies(channel="C1", ts="1712345678.000001")
    assert [m["text"] for m in replies["messages"]] == ["second"]
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel="C1", ts="1712345600.000001", text="x")
    assert raised.value.response["error"] == "message_not_found"
    client.chat_delete(channel="C1", ts=posted["ts"])
    assert fake.posted("C1", posted["ts"]) is None


# ---------------------------------------------------------------------------- AI app methods

THREAD_TS = "1712345678.000100"
PROMPT = {"title": "Self-host?", "message": "Should we self-host our support classifier?"}


def test_assistant_methods_take_a_dm_thread(fake: FakeSlack, client: WebClient) -> None:
    client.assistant_threads_setSuggestedPrompts(channel_id="D1", thread_ts=THREAD_TS,
                                                 prompts=[PROMPT] * 4, title="Try one")
    client.assistant_threads_setStatus(channel_id="D1", thread_ts=THREAD_TS, status="is scoring…")
    assert fake.thread_status("D1", THREAD_TS) == "is scoring…"
    client.assistant_threads_setTitle(channel_id="D1", thread_ts=THREAD_TS, title="Classifier")
    assert fake.last("assistant.threads.setSuggestedPrompts").params["prompts"] == [PROMPT] * 4
    assert fake.last("assistant.threads.setTitle").params["title"] == "Classifier"


def test_a_reply_or_an_empty_status_clears_the_status(fake: FakeSlack, client: WebClient) -> None:
    client.assistant_threads_setStatus(channel_id="D1", thread_ts=THREAD_TS, status="is scoring…")
    client.chat_postMessage(channel="D1", text="elsewhere", thread_ts="1712345678.000200")
    assert fake.thread_status("D1", THREAD_TS) == "is scoring…"
    client.chat_postMessage(channel="D1", text="answer", thread_ts=THREAD_TS)
    assert fake.thread_status("D1", THREAD_TS) == ""
    client.assistant_threads_setStatus(channel_id="D1", thread_ts=THREAD_TS, status="is scoring…")
    client.assistant_threads_setStatus(channel_id="D1", thread_ts=THREAD_TS, status="")
    assert fake.thread_status("D1", THREAD_TS) == ""
    assert fake.thread_status("D1", "1712345678.000300") is None


@pytest.mark.parametrize(("channel", "thread_ts", "error"), [
    ("C1", THREAD_TS, "channel_not_found"),
    ("U1", THREAD_TS, "channel_not_found"),
    ("", THREAD_TS, "invalid_arguments"),
    ("D1", "", "invalid_arguments"),
    ("D1", "dm", "invalid_thread_ts"),
    ("D1", "1712345678", "invalid_thread_ts"),
])
def test_assistant_methods_refuse_other_places(client: WebClient, channel: str, thread_ts: str,
                                              error: str) -> None:
    arguments: list[tuple[str, dict[str, Any]]] = [
        ("assistant.threads.setStatus", {"status": "is scoring…"}),
        ("assistant.threads.setSuggestedPrompts", {"prompts": [PROMPT]}),
        ("assistant.threads.setTitle", {"title": "T"}),
    ]
    for method, extra in arguments:
        with pytest.raises(SlackApiError) as raised:
            client.api_call(method, json={"channel_id": channel, "thread_ts": thread_ts, **extra})
        assert raised.value.response["error"] == error, method


@pytest.mark.parametrize("prompts", [
    [],
    [PROMPT] * 5,
    [{"title": "Self-host?"}],
    [{"message": "Should we?"}],
    [{"title": "", "message": "Should we?"}],
    ["Should we self-host?"],
])
def test_suggested_prompts_are_one_to_four_with_title_and_message(
        fake: FakeSlack, client: WebClient, prompts: list[Any]) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.assistant_threads_setSuggestedPrompts(channel_id="D1", thread_ts=THREAD_TS,
                                                     prompts=prompts)
    assert raised.value.response["error"] == "invalid_arguments"
    assert fake.refusals() == fake.calls("assistant.threads.setSuggestedPrompts")


def test_status_and_title_are_required(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_title:
        client.assistant_threads_setTitle(channel_id="D1", thread_ts=THREAD_TS, title=" ")
    assert no_title.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as no_status:
        client.api_call("assistant.threads.setStatus",
                        json={"channel_id": "D1", "thread_ts": THREAD_TS})
    assert no_status.value.response["error"] == "invalid_arguments"


def test_assistant_payloads_are_shaped_like_slacks() -> None:
    started = payloads.assistant_thread_started(thread_ts=THREAD_TS)
    thread = started["assistant_thread"]
    assert started["type"] == "assistant_thread_started"
    assert (thread["channel_id"], thread["thread_ts"], thread["user_id"]) == ("D1", THREAD_TS, "U1")
    assert thread["context"]["channel_id"] == "C1"
    changed = payloads.assistant_thread_context_changed(thread_ts=THREAD_TS, context_channel="C9")
    assert changed["assistant_thread"]["context"]["channel_id"] == "C9"
    message = payloads.assistant_message("hi", THREAD_TS)
    assert (message["channel"], message["channel_type"], message["thread_ts"]) == ("D1", "im", THREAD_TS)
    assert message["parent_user_id"] == message["user"] and "subtype" not in message
    assert "bot_id" not in message


def test_message_metadata_is_checked_and_returned_only_when_asked_for(
        fake: FakeSlack, client: WebClient) -> None:
    root = "1712345600.000100"
    metadata = {"event_type": "llm_advisor_reply", "event_payload": {"reply_id": "r1"}}
    posted = client.chat_postMessage(channel="C1", text="hi", thread_ts=root, metadata=metadata)
    for bad in ({"event_type": "x"}, {"event_type": 1, "event_payload": {}},
                {"event_type": "x", "event_payload": "not an object"}):
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="C1", text="hi", thread_ts=root, metadata=bad)
        assert refused.value.response["error"] == "invalid_metadata_format"

    plain = client.conversations_replies(channel="C1", ts=root)["messages"]
    full = client.conversations_replies(channel="C1", ts=root, include_all_metadata=True)["messages"]
    assert [m["ts"] for m in plain] == [posted["ts"]] and "metadata" not in plain[0]
    assert full[0]["metadata"] == metadata
    client.chat_update(channel="C1", ts=posted["ts"], text="edited")  # keeps its metadata
    top = client.chat_postMessage(channel="D1", text="top", metadata=metadata)["ts"]
    history = client.conversations_history(channel="D1", include_all_metadata=True)["messages"]
    assert [(m["ts"], m["metadata"]) for m in history] == [(top, metadata)]
    assert fake.thread("C1", root)[0]["metadata"] == metadata


@pytest.mark.parametrize("hang", [0.0, 1.5])
def test_a_swallowed_post_is_posted_but_never_answered(fake: FakeSlack, hang: float) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.base_url, timeout=1, retry_handlers=[])
    root = "1712345600.000100"
    fake.swallow("chat.postMessage", where=lambda params: params.get("text") == "lost", hang=hang)

    client.chat_postMessage(channel="C1", text="answered", thread_ts=root)
    with pytest.raises(OSError):
        client.chat_postMessage(channel="C1", text="lost", thread_ts=root)

    assert [m["text"] for m in fake.thread("C1", root)] == ["answered", "lost"]
    client.chat_postMessage(channel="C1", text="lost", thread_ts=root)  # answered again
    assert len(fake.thread("C1", root)) == 3
