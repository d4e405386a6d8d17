"""One English word, two meanings (a state, a verb, a column heading): each meaning has its own
message context, so the Vietnamese can differ ("Open": "Đang diễn ra" for a campaign, "Mở" for a link)."""
import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.english import english_words

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


# Texts that read the same in both languages: proper names and codes (nothing else may be left in English).
SAME_IN_BOTH = {"XLSX", "PDF", "HTML", "CSV", "htmx"}
_PLACEHOLDERS = re.compile(r"%\(\w+\)[sdf]|\{\w*\}")


def _forms(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_vietnamese_message_is_translated():
    """Empty msgstr shows English in the Vietnamese interface."""
    empty = [(m.context, m.id) for m in _catalog("vi/LC_MESSAGES/messages.po") if m.id and not all(_forms(m))]
    assert empty == []


def test_no_vietnamese_message_is_left_in_english():
    """A msgstr that repeats its English msgid, or carries English words among the Vietnamese
    ("Enter a number, for example 12,5. Nhập …"), unless it is a name or a code."""
    left = []
    for m in _catalog("vi/LC_MESSAGES/messages.po"):
        if not m.id:
            continue
        msgid = m.id[0] if isinstance(m.id, tuple) else m.id
        for text in _forms(m):
            same = text == msgid and re.search(r"[A-Za-z]{2}", _PLACEHOLDERS.sub("", text)) and text not in SAME_IN_BOTH
            if same or english_words(text):
                left.append((msgid, text))
    assert left == []


def test_the_english_detector_finds_english():
    assert english_words("Enter a number, for example 12,5. Nhập một số từ 0 trở lên.") == ["Enter", "number", "for"]
    assert english_words("Not a valid date value.") == ["Not", "valid", "date", "value"]
    assert english_words("Nhập ngày theo dạng dd/mm/yyyy; tối đa %(max)d ký tự, do đó in ra") == []


def test_wtforms_own_messages_come_from_the_portal_catalog(app):
    """A DateField's built-in message, a Length's plural and a SelectField's choice message in Vietnamese."""
    from werkzeug.datastructures import MultiDict
    from wtforms import DateField, SelectField, StringField
    from wtforms.validators import Length

    from portal.forms import PortalForm

    class Sample(PortalForm):
        day = DateField()
        name = StringField(validators=[Length(max=3)])
        pick = SelectField(choices=[("a", "A")])

    with app.test_request_context("/"):
        form = Sample(MultiDict({"day": "31/02/2025x", "name": "abcdef", "pick": "zz"}), meta={"csrf": False})
        assert not form.validate()
        errors = [*form.day.errors, *form.name.errors, *form.pick.errors]
    assert errors == ["Nhập ngày theo dạng dd/mm/yyyy.", "Tối đa 3 ký tự.", "Chọn một mục trong danh sách."]
