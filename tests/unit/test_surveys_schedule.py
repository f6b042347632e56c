"""The schedule's pure decisions: which campaigns to close, who is due a reminder on a day."""

from __future__ import annotations

from datetime import date, timedelta

from services.surveys.domain import (
    CampaignDates,
    InvitationState,
    campaigns_to_close,
    reminder_day,
    reminder_recipients,
)

OPENS = date(2026, 11, 2)
CLOSES = date(2026, 11, 20)
CAMPAIGN = CampaignDates("c", "open", OPENS, CLOSES)


def day(n: int) -> date:
    return CLOSES - timedelta(days=n)


def test_campaigns_close_the_day_after_their_last_day() -> None:
    campaigns = [CAMPAIGN, CampaignDates("ended", "open", OPENS, day(1)), CampaignDates("done", "closed", OPENS, day(5))]
    assert campaigns_to_close(campaigns, CLOSES) == ["ended"]
    assert campaigns_to_close(campaigns, CLOSES + timedelta(days=1)) == ["c", "ended"]


def test_the_reminder_day_is_the_latest_configured_day_reached() -> None:
    assert reminder_day(CAMPAIGN, day(4), [3, 1]) is None
    assert reminder_day(CAMPAIGN, day(3), [3, 1]) == day(3)
    assert reminder_day(CAMPAIGN, day(2), [1, 3]) == day(3)  # a missed run is caught up
    assert reminder_day(CAMPAIGN, day(1), [3, 1]) == day(1)
    assert reminder_day(CAMPAIGN, CLOSES, [3, 1]) == day(1)
    assert reminder_day(CAMPAIGN, CLOSES, [0]) == CLOSES


def test_no_reminder_after_the_end_when_closed_or_before_the_campaign_opened() -> None:
    assert reminder_day(CAMPAIGN, CLOSES + timedelta(days=1), [3, 1]) is None
    assert reminder_day(CampaignDates("c", "closed", OPENS, CLOSES), day(1), [3, 1]) is None
    short = CampaignDates("short", "open", day(2), CLOSES)
    assert reminder_day(short, day(2), [3]) is None  # day 3 before the end came before it opened
    assert reminder_day(short, day(2), [5, 3, 1]) is None
    assert reminder_day(short, day(1), [3, 1]) == day(1)
    assert reminder_day(CAMPAIGN, day(1), []) is None


def test_reminders_go_to_those_who_have_not_answered_and_were_not_reminded_that_day() -> None:
    invitations = [
        InvitationState("pending", "pending", True),
        InvitationState("draft", "draft", True),
        InvitationState("answered", "completed", True),
        InvitationState("withdrew", "pending", False),
        InvitationState("already", "pending", True),
    ]
    assert reminder_recipients(invitations, {"already"}) == ["pending", "draft"]
