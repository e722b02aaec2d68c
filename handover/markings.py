"""Protective markings: what the portal accepts, how a marking reads, and who may open it.

Pure functions over plain values (no database), so that forms, services, selectors and
exports share one definition. Markings are the originator's and are stored exactly as
given: a UK marking is never turned into an Australian one or the other way round.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

UK = "UK"
AU = "AU"

SCHEME_LABELS = {
    UK: "UK Government Security Classifications",
    AU: "Australian Protective Security Policy Framework",
}

# Classifications the portal may hold, lowest first.
UK_CLASSIFICATIONS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
AU_CLASSIFICATIONS = ("UNOFFICIAL", "OFFICIAL", "OFFICIAL: Sensitive")
ACCEPTED = {UK: UK_CLASSIFICATIONS, AU: AU_CLASSIFICATIONS}

# Above the portal's ceiling: refused at upload, never stored.
ABOVE_CEILING = {
    UK: ("SECRET", "TOP SECRET"),
    AU: ("PROTECTED", "SECRET", "TOP SECRET"),
}

UK_DESCRIPTORS = ("PERSONAL DATA", "COMMERCIAL", "LEGAL PROFESSIONAL PRIVILEGE", "LOCSEN")
UK_HANDLING_INSTRUCTIONS = ("RECIPIENTS ONLY", "HR MANAGEMENT", "NOT FOR ONWARD RELEASE")
AU_INFORMATION_MANAGEMENT_MARKERS = ("Legal-Privilege", "Legislative-Secrecy", "Personal-Privacy")

UK_EYES_ONLY = "UK EYES ONLY"
AUSTEO = "AUSTEO"
REL_AUS_GBR = "REL AUS/GBR"
RELEASABILITY = {UK: ("", UK_EYES_ONLY, REL_AUS_GBR), AU: ("", AUSTEO, REL_AUS_GBR)}
ALL_RELEASABILITY = ("", UK_EYES_ONLY, AUSTEO, REL_AUS_GBR)

# Who a releasability caveat reaches: (nationalities, institute countries), ISO alpha-3.
RELEASABLE_TO = {
    UK_EYES_ONLY: ({"GBR"}, {"GBR"}),
    AUSTEO: ({"AUS"}, {"AUS"}),
    REL_AUS_GBR: ({"AUS", "GBR"}, {"AUS", "GBR"}),
}

CEILING_MESSAGE = (
    "{classification} is above what this portal may hold. The portal holds OFFICIAL-level "
    "information only (UK OFFICIAL and OFFICIAL-SENSITIVE; Australian UNOFFICIAL, OFFICIAL "
    "and OFFICIAL: Sensitive). Do not upload it: send it through your institute's approved "
    "channel for higher-classification material, and ask your security adviser if you are "
    "not sure which that is."
)

SENSITIVE = {"OFFICIAL-SENSITIVE", "OFFICIAL: Sensitive"}
_RANK = {"UNOFFICIAL": 0, "OFFICIAL": 1, "OFFICIAL-SENSITIVE": 2, "OFFICIAL: Sensitive": 2}


class MarkingError(ValueError):
    """A marking the portal does not accept; ``field`` names the part that is wrong."""

    def __init__(self, message: str, *, field: str = "classification"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Marking:
    scheme: str
    classification: str
    descriptors: tuple[str, ...] = field(default_factory=tuple)
    handling_instructions: tuple[str, ...] = field(default_factory=tuple)
    information_management_markers: tuple[str, ...] = field(default_factory=tuple)
    releasability: str = ""

    @classmethod
    def of(cls, obj) -> "Marking":
        """The marking of anything with the marking attributes (a Document, a form's data)."""
        return cls(
            scheme=obj.scheme,
            classification=obj.classification,
            descriptors=tuple(obj.descriptors or ()),
            handling_instructions=tuple(obj.handling_instructions or ()),
            information_management_markers=tuple(obj.information_management_markers or ()),
            releasability=obj.releasability or "",
        )


def validate(marking: Marking) -> Marking:
    """Return the marking if the portal may hold it; raise ``MarkingError`` saying why not."""
    if marking.scheme not in ACCEPTED:
        raise MarkingError("Choose the UK or the Australian marking scheme.")
    classification = marking.classification
    if classification in ABOVE_CEILING[marking.scheme]:
        raise MarkingError(CEILING_MESSAGE.format(classification=classification))
    if classification not in ACCEPTED[marking.scheme]:
        other = AU if marking.scheme == UK else UK
        if classification in ABOVE_CEILING[other]:
            raise MarkingError(CEILING_MESSAGE.format(classification=classification))
        allowed = ", ".join(ACCEPTED[marking.scheme])
        raise MarkingError(
            f"{classification or 'That'} is not a {marking.scheme} classification. "
            f"Choose one of: {allowed}."
        )
    if marking.scheme == UK:
        _only_from(marking.descriptors, UK_DESCRIPTORS, "descriptors", "UK descriptor")
        _only_from(
            marking.handling_instructions,
            UK_HANDLING_INSTRUCTIONS,
            "handling_instructions",
            "UK handling instruction",
        )
        if (marking.descriptors or marking.handling_instructions) and (
            classification != "OFFICIAL-SENSITIVE"
        ):
            raise MarkingError(
                "Descriptors and handling instructions go with OFFICIAL-SENSITIVE. Choose "
                "OFFICIAL-SENSITIVE or remove them.",
                field="descriptors",
            )
        if marking.information_management_markers:
            raise MarkingError(
                "Information management markers belong to the Australian scheme.",
                field="information_management_markers",
            )
    else:
        _only_from(
            marking.information_management_markers,
            AU_INFORMATION_MANAGEMENT_MARKERS,
            "information_management_markers",
            "information management marker",
        )
        if marking.descriptors or marking.handling_instructions:
            raise MarkingError(
                "Descriptors and handling instructions belong to the UK scheme.",
                field="descriptors",
            )
        if marking.information_management_markers and classification == "UNOFFICIAL":
            raise MarkingError(
                "UNOFFICIAL information carries no information management marker. Choose "
                "OFFICIAL or OFFICIAL: Sensitive, or remove the marker.",
                field="information_management_markers",
            )
    if marking.releasability not in RELEASABILITY[marking.scheme]:
        raise MarkingError(
            f"{marking.releasability} is not a releasability caveat of the "
            f"{marking.scheme} scheme.",
            field="releasability",
        )
    if marking.releasability and classification == "UNOFFICIAL":
        raise MarkingError(
            "UNOFFICIAL information carries no releasability caveat.", field="releasability"
        )
    return marking


def _only_from(values: Iterable[str], allowed: tuple[str, ...], field_name: str, what: str):
    for value in values:
        if value not in allowed:
            raise MarkingError(f"{value} is not a {what} the portal knows.", field=field_name)


def banner_text(marking: Marking) -> str:
    """The marking as a banner reads: classification, descriptors, IMMs, then caveats."""
    parts = [marking.classification]
    if marking.descriptors:
        parts[0] = f"{marking.classification} {' '.join(marking.descriptors)}"
    parts.extend(marking.handling_instructions)
    parts.extend(marking.information_management_markers)
    if marking.releasability:
        parts.append(marking.releasability)
    return " // ".join(parts)


def banner_class(marking: Marking) -> str:
    """The CSS modifier for the banner: sensitive markings stand out."""
    return "official-sensitive" if marking.classification in SENSITIVE else ""


# How far a releasability caveat narrows who may see a record: an eyes-only caveat is
# narrower than a release to both countries, which is narrower than none.
_RELEASABILITY_RANK = {"": 0, REL_AUS_GBR: 1, AUSTEO: 2, UK_EYES_ONLY: 2}


def rank(marking: Marking) -> tuple[int, int, int]:
    """Order markings: by classification, then by how narrow the releasability caveat is,
    then by how many caveats restrict them."""
    caveats = (
        len(marking.descriptors)
        + len(marking.handling_instructions)
        + len(marking.information_management_markers)
        + (1 if marking.releasability else 0)
    )
    return (
        _RANK.get(marking.classification, 0),
        _RELEASABILITY_RANK.get(marking.releasability, 2),
        caveats,
    )


def highest(markings: Iterable[Marking]) -> Marking | None:
    """The most restrictive of several markings (for a page or a package that holds many).

    The highest classification listed, with the narrowest releasability caveat listed: a
    page that lists an AUSTEO record says AUSTEO, even when its most highly classified
    record is released to both countries.
    """
    markings = list(markings)
    top = max(markings, key=rank, default=None)
    if top is None:
        return None
    narrowest = max(
        (m.releasability for m in markings),
        key=lambda caveat: _RELEASABILITY_RANK.get(caveat, 2),
    )
    if _RELEASABILITY_RANK.get(narrowest, 2) > _RELEASABILITY_RANK.get(top.releasability, 2):
        top = replace(top, releasability=narrowest)
    return top


def releasable_to(*, releasability: str, nationality: str, institute_country: str) -> bool:
    """Whether a person of ``nationality`` at an institute in ``institute_country`` may see it.

    No caveat: anyone the record is otherwise shared with. AUSTEO: Australian nationals at
    an Australian institute. UK EYES ONLY: British nationals at a UK institute. REL AUS/GBR:
    nationals of either at an institute in either.
    """
    if not releasability:
        return True
    if releasability not in RELEASABLE_TO:
        return False  # an unknown caveat fails closed
    nationalities, countries = RELEASABLE_TO[releasability]
    return (nationality or "").upper() in nationalities and (
        institute_country or ""
    ).upper() in countries


def releasabilities_for(*, nationality: str, institute_country: str) -> list[str]:
    """Every releasability value a person may see (for filtering in the database)."""
    return [
        value
        for value in ALL_RELEASABILITY
        if releasable_to(
            releasability=value, nationality=nationality, institute_country=institute_country
        )
    ]


def user_may_access(user, document) -> bool:
    """Releasability for one person and one document (either may be any object with the
    attributes: ``user.nationality``, ``user.institute.country``, ``document.releasability``)."""
    institute = getattr(user, "institute", None)
    return releasable_to(
        releasability=document.releasability,
        nationality=getattr(user, "nationality", "") or "",
        institute_country=getattr(institute, "country", "") if institute else "",
    )
