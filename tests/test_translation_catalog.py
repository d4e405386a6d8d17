"""One English word, two meanings (a state, a verb, a column heading): each meaning has its own
message context, so the Vietnamese can differ ("Open": "Đang diễn ra" for a campaign, "Mở" for a link)."""
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGS = Path(__file__).resolve().parent.parent / "portal" / "translations"
# English words that name a state and also a verb, a date or a column: never without a context.
AMBIGUOUS = {"Open", "Draft", "Closed", "Submitted", "Approved", "Accepted", "Returned", "Rejected", "Awarded",
             "Submit", "Approve", "Return", "Accept"}


def _catalog(name):
    with open(CATALOGS / name, "rb") as f:
        return read_po(f)


def test_ambiguous_words_only_appear_with_a_message_context():
    template = _catalog("messages.pot")
    without = sorted(m.id for m in template if m.id in AMBIGUOUS and not m.context)
    assert without == [], f"give these a context (pgettext): {without}"


def test_no_msgid_carries_two_vietnamese_meanings_without_contexts():
    """Where one English text is translated two ways, every use of it has a context."""
    translations: dict[str, dict] = {}
    for message in _catalog("vi/LC_MESSAGES/messages.po"):
        if message.id and isinstance(message.id, str):
            translations.setdefault(message.id, {})[message.context] = message.string
    mixed = {msgid: by_context for msgid, by_context in translations.items()
             if len(set(by_context.values())) > 1 and None in by_context}
    assert mixed == {}


def test_every_contextual_message_is_translated():
    missing = [(m.context, m.id) for m in _catalog("vi/LC_MESSAGES/messages.po") if m.context and m.id and not m.string]
    assert missing == []
