"""The exchange reports for managers and admins: one page of four sections, each with a
chart, a table and its CSV and XLSX downloads. Who sees what is ``access``'s report
scope; the figures are ``reporting``'s."""

from functools import wraps

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.clock import today_for
from accounts.decorators import mfa_enforced
from portal import spreadsheets
from portal.charts import Bar, bar_chart
from portal.downloads import export_response
from portal.pagination import paginate, query_without

from .. import access, reporting
from ..filters import ReportFilterForm

# The sections, in the page's order: (URL slug, title).
SECTIONS = (
    ("applications", "Applications by status and stage"),
    ("secondments", "Secondments by direction, institute, team and year"),
    ("person-months", "Person-months against targets"),
    ("late-items", "Checklist items running late"),
)
SECTION_TITLES = dict(SECTIONS)


def reports_required(view_func):
    """Programme managers and institute admins (with MFA); 404 for everyone else."""

    @mfa_enforced
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not access.may_see_exchange_reports(request.user):
            raise Http404
        return view_func(request, *args, **kwargs)

    return wrapper


def _filters(request) -> tuple[ReportFilterForm, reporting.ReportFilters, bool]:
    """The filter form, the filters it chose (none if it has errors) and whether it is
    valid."""
    form = ReportFilterForm(
        request.GET if set(request.GET) - {"page"} else None,
        programmes=reporting.programmes_in_reports(request.user),
    )
    if not form.is_bound:
        return form, reporting.ReportFilters(), True
    if not form.is_valid():
        return form, reporting.ReportFilters(), False
    data = form.cleaned_data
    filters = reporting.ReportFilters(
        year=data["year"],
        programme_id=data["programme"].pk if data["programme"] else None,
        direction=data["direction"] or "",
    )
    return form, filters, True


def _number(value) -> str:
    return "–" if value is None else f"{value:g}"


def _person_month_label(row: dict, *, several: bool) -> str:
    label = f"{row['year']} · {row['direction']}"
    return f"{row['programme']}: {label}" if several else label


def _charts(applications, secondments, person_months, late_by_side) -> dict:
    several = len({row["programme"] for row in person_months}) > 1
    return {
        "applications": bar_chart(
            id="chart-applications",
            title="Applications in each status now",
            description="; ".join(f"{row['label']}: {row['count']}" for row in applications)
            or "No applications.",
            bars=[Bar(row["label"], row["count"]) for row in applications],
        ),
        "secondments": bar_chart(
            id="chart-secondments",
            title="Secondments by start year and direction, cancelled ones left out",
            description="; ".join(
                f"{row['label']}: {row['count']}" for row in secondments["by_year_direction"]
            )
            or "No secondments.",
            bars=[Bar(row["label"], row["count"]) for row in secondments["by_year_direction"]],
        ),
        "person_months": bar_chart(
            id="chart-person-months",
            title="Person-months (used and planned) against each target",
            description="; ".join(
                f"{row['programme']}, {row['year']}, {row['direction']}: "
                f"{_number(row['total'])} of {row['target']} "
                f"({'meets' if row['meets_target'] else 'below'} target)"
                for row in person_months
            )
            or "No person-months.",
            bars=[
                Bar(
                    _person_month_label(row, several=several),
                    row["total"],
                    text=f"{_number(row['total'])} of {row['target']}"
                    + (" ✓" if row["meets_target"] else " (below)"),
                    target=row["target"],
                )
                for row in person_months
            ],
        ),
        "late": bar_chart(
            id="chart-late",
            title="Checklist items running late, by owner side",
            description="; ".join(f"{row['label']}: {row['count']}" for row in late_by_side),
            bars=[Bar(row["label"], row["count"]) for row in late_by_side],
        ),
    }


@reports_required
@require_GET
def report_page(request):
    form, filters, valid = _filters(request)
    today = today_for(request.user)
    applications = reporting.application_figures(request.user, filters)
    secondments = reporting.secondment_figures(request.user, filters)
    person_months = reporting.person_month_figures(request.user, filters)
    late_by_side = reporting.late_items_by_side(request.user, filters, today=today)
    late_page = paginate(request, reporting.late_item_list(request.user, filters, today=today))
    return render(
        request,
        "exchange/reports.html",
        {
            "form": form,
            "filtered": valid and reporting.has_filters(filters),
            "query": query_without(request) if valid else "",
            "today": today,
            "applications": applications,
            "secondments": secondments,
            "person_months": person_months,
            "late_by_side": late_by_side,
            "late_total": sum(row["count"] for row in late_by_side),
            "late_page": late_page,
            "charts": _charts(applications, secondments, person_months, late_by_side),
        },
    )


def _section_table(request, section: str, filters) -> tuple[list[str], object]:
    user = request.user
    if section == "applications":
        rows = reporting.application_figures(user, filters)
        return reporting.APPLICATION_HEADERS, reporting.application_rows(rows)
    if section == "secondments":
        groups = reporting.secondment_groups(user, filters)
        return reporting.SECONDMENT_HEADERS, reporting.secondment_rows(groups)
    if section == "person-months":
        rows = reporting.person_month_figures(user, filters)
        return reporting.PERSON_MONTH_HEADERS, reporting.person_month_rows(rows)
    today = today_for(user)
    values = reporting.late_item_values(user, filters, today=today)
    return reporting.LATE_ITEM_HEADERS, reporting.late_item_rows(values, today=today)


@reports_required
@require_GET
def report_export(request, section: str, fmt: str):
    if section not in SECTION_TITLES or fmt not in ("csv", "xlsx"):
        raise Http404
    _, filters, valid = _filters(request)
    if not valid:
        return HttpResponseBadRequest("The report's filters are not valid.")
    headers, rows = _section_table(request, section, filters)
    filename = f"exchange-{section}-{today_for(request.user).isoformat()}.{fmt}"
    if fmt == "csv":
        return export_response(
            spreadsheets.table_csv(headers, rows),
            filename=filename,
            content_type=spreadsheets.CSV_CONTENT_TYPE,
        )
    return export_response(
        spreadsheets.table_xlsx(headers, rows, sheet_name=SECTION_TITLES[section][:31]),
        filename=filename,
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
    )
