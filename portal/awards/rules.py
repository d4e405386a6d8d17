"""What an award type may say, in one place: the checks shared by the administrator's form and the
reference import, and each eligibility rule in the words a person would use.

The form and the import each turn their text into values (a number, a choice) their own way; the
rules on those values — ranges, which rule fits which nominee kind, the dossier documents — are
here, so the browser and the CSV file accept and refuse the same award types."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.labels import label
from portal.models import Classification, NomineeKind

RULE_FIELDS = ("rule_cluster_rank_max", "rule_min_classification", "rule_max_per_cluster",
               "rule_min_service_years", "rule_consecutive_excellent_years")
# The whole-number rules and their largest sensible value (empty means "no such rule").
RULE_LIMITS = {"rule_cluster_rank_max": 1000, "rule_max_per_cluster": 1000, "rule_min_service_years": 60,
               "rule_consecutive_excellent_years": 30}
# Years of service are a person's: a collective award cannot ask for them.
INDIVIDUAL_ONLY = frozenset({"rule_min_service_years"})
# What decides who may be nominated and how the council decides: fixed once nominations were submitted.
DECISIVE_FIELDS = ("nominee", "level", *RULE_FIELDS, "vote_threshold_percent", "vote_denominator")
MAX_CODE, MAX_NAME = 32, 300
MAX_DOCUMENTS, MAX_DOCUMENT_NAME = 30, 200  # nomination_document.document_name holds 200
CENT = Decimal("0.01")


def problems(values: dict) -> list[tuple[str, str]]:
    """(field, message) for every rule the parsed ``values`` break. A value that is ``None`` or
    missing was empty or could not be read — its parser has said so already — and is skipped."""
    found: list[tuple[str, str]] = []
    threshold = values.get("vote_threshold_percent")
    if threshold is not None and not (0 < threshold <= 100 and threshold % CENT == 0):
        found.append(("vote_threshold_percent",
                      _("The vote threshold must be above 0 and at most 100 percent, with at most two decimals.")))
    for field, limit in RULE_LIMITS.items():
        value = values.get(field)
        if value is not None and not 1 <= value <= limit:
            found.append((field, _("Enter a whole number from 1 to %(max)d, or leave it empty for no such rule.",
                                   max=limit)))
    if values.get("nominee") is NomineeKind.COLLECTIVE:
        for field in INDIVIDUAL_ONLY:
            if values.get(field) is not None:
                found.append((field, _("Years of service are a person's: a collective award cannot have this "
                                       "rule. Leave it empty or make the award individual.")))
    found.extend(("required_documents", message) for message in document_problems(values.get("required_documents")))
    return found


def document_problems(documents: list[str] | None) -> list[str]:
    if not documents:
        return []
    found = []
    if len(documents) > MAX_DOCUMENTS:
        found.append(_("At most %(n)d documents.", n=MAX_DOCUMENTS))
    for document in documents:
        if len(document) > MAX_DOCUMENT_NAME:
            found.append(_("“%(name)s…” is longer than %(n)d characters.", name=document[:40], n=MAX_DOCUMENT_NAME))
        if ";" in document:  # the reference files list the documents separated by semicolons
            found.append(_("“%(name)s” contains a semicolon; write one document per line.", name=document))
    seen = set()
    for document in documents:
        if document.casefold() in seen:
            found.append(_("“%(name)s” is listed twice.", name=document))
        seen.add(document.casefold())
    return found


# --- In plain words ----------------------------------------------------------------------------

def requirement(field: str, value) -> str:
    """One rule as a person would say it ("Dẫn đầu cụm thi đua")."""
    if field == "rule_cluster_rank_max":
        if value == 1:
            return _("Leads its emulation cluster")
        if value == 2:
            return _("Ranked first or second in its emulation cluster")
        return _("Ranked among the top %(n)s units of its cluster", n=value)
    if field == "rule_min_classification":
        if value is Classification.EXCELLENT:
            return _("Classified “%(c)s”", c=label(value))
        return _("Classified “%(c)s” or better", c=label(value))
    if field == "rule_max_per_cluster":
        return ngettext("At most %(num)d nomination per cluster", "At most %(num)d nominations per cluster", value)
    if field == "rule_min_service_years":
        return _("At least %(n)s years in the sector", n=value)
    if field == "rule_consecutive_excellent_years":
        return _("Rated excellent %(n)s years in a row", n=value)
    raise KeyError(field)


def rules_in_words(award) -> list[str]:
    """The award type's eligibility rules in plain words, in a fixed order; empty when it has none."""
    return [requirement(field, getattr(award, field)) for field in RULE_FIELDS if getattr(award, field)]
