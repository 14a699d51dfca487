"""The desk dashboard in the admin (/admin/desk/): the figures of claims.desk_figures for a date
range, as server-drawn SVG charts and tables, and as CSV. Newsroom roles only."""

import csv
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from claims.desk_figures import (
    MAX_DAYS,
    DeskFigures,
    Period,
    csv_rows,
    desk_figures,
    spreadsheet_safe,
)
from claims.workflow import in_newsroom

# Chart geometry, in SVG user units (the speaker record's layout: labels left, bars right).
LABEL_WIDTH = 190
BAR_WIDTH = 320
ROW_HEIGHT = 28


# Dates the range may take: beyond them a day's bounds overflow (9999-12-31) or mean nothing.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        default = Period.default()
        start, end = data.get("start") or default.start, data.get("end") or default.end
        if start > end:
            raise forms.ValidationError(_("The range starts after it ends."))
        if start.year < EARLIEST_YEAR or end.year > LATEST_YEAR:
            raise forms.ValidationError(
                _("Choose dates between %(first)d and %(last)d.")
                % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            )
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                _("Choose a range of at most %(days)d days.") % {"days": MAX_DAYS}
            )
        data["period"] = Period(start, end)
        return data


def period_from(params) -> tuple[Period, PeriodForm]:
    """The period asked for in `params`, or the default one when the form is not valid."""
    form = PeriodForm(params)
    if form.is_valid():
        return form.cleaned_data["period"], form
    return Period.default(), form


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    height: float
    css: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: int
    bars: list[Bar]
    text: str
    text_x: float
    url: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    rows: list[ChartRow]
    legend: list[tuple[str, str]]

    @property
    def width(self) -> int:
        return LABEL_WIDTH + BAR_WIDTH + 90

    @property
    def height(self) -> int:
        return max(len(self.rows), 1) * ROW_HEIGHT + 4

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 10

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH


def bar_chart(
    title: str,
    rows: list[tuple[str, list[float | None], str]],
    styles: list[tuple[str, str]],
    *,
    overlay: bool = False,
) -> Chart:
    """Horizontal bars, one row per (label, values, text). With `overlay` the values of a row
    are drawn over each other (a median over its p90), else side by side in the row."""
    top = max((v or 0 for _label, values, _text in rows for v in values), default=0) or 1
    lanes = 1 if overlay else max(len(styles), 1)
    lane_height = 18 / lanes
    chart_rows = []
    for index, (label, values, text) in enumerate(rows):
        bars = []
        for lane, (value, (css, _name)) in enumerate(zip(values, styles, strict=False)):
            width = round(BAR_WIDTH * (value or 0) / top, 1)
            offset = 0 if overlay else lane * lane_height
            bars.append(Bar(y=5 + offset, width=width, height=lane_height, css=css))
        longest = max((bar.width for bar in bars), default=0)
        chart_rows.append(
            ChartRow(label=label, y=index * ROW_HEIGHT, bars=bars, text=text, text_x=longest + 6)
        )
    return Chart(title=title, rows=chart_rows, legend=[(css, name) for css, name in styles])


def _days_text(days: float) -> str:
    """One decimal, written as the reader's language writes it (0,5 ngày)."""
    return gettext("%(days)s d") % {"days": number_format(days, 1)}


def _hours_text(hours: float | None) -> str:
    if hours is None:
        return "–"
    return _days_text(hours / 24) if hours >= 48 else f"{number_format(hours, 1)} h"


def charts(figures: DeskFigures) -> dict[str, Chart]:
    ttv_styles = [("desk-bar--p90", gettext("p90")), ("desk-bar--median", gettext("median"))]

    def ttv_rows(rows):
        return [
            (
                row.label,
                [row.p90_hours, row.median_hours],
                f"{_hours_text(row.median_hours)} / {_hours_text(row.p90_hours)}",
            )
            for row in rows
        ]

    return {
        "by_topic": bar_chart(
            gettext("Time to verdict by topic (median / p90)"),
            ttv_rows(figures.by_topic),
            ttv_styles,
            overlay=True,
        ),
        "by_fact_checker": bar_chart(
            gettext("Time to verdict by fact-checker (median / p90)"),
            ttv_rows(figures.by_fact_checker),
            ttv_styles,
            overlay=True,
        ),
        "queues": bar_chart(
            gettext("Age of the oldest item in each queue (days)"),
            [
                (q.label, [q.oldest_age_days], f"{_days_text(q.oldest_age_days or 0)} · {q.count}")
                for q in figures.queues
            ],
            [("desk-bar--age", gettext("oldest, days"))],
        ),
        "throughput": bar_chart(
            gettext("Throughput per person"),
            [
                (
                    row.person,
                    [row.submitted, row.published],
                    gettext("%(rate)s a week") % {"rate": number_format(row.per_week, 1)},
                )
                for row in figures.throughput
            ],
            [
                ("desk-bar--submitted", gettext("submitted")),
                ("desk-bar--published", pgettext("desk chart legend", "published")),
            ],
        ),
        "links": bar_chart(
            gettext("Link health"),
            [(label, [n], str(n)) for _status, label, n in figures.link_health],
            [("desk-bar--links", gettext("links"))],
        ),
    }


def dashboard_view(request: HttpRequest) -> HttpResponse:
    if not in_newsroom(request.user):
        raise PermissionDenied
    period, form = period_from(request.GET)
    figures = desk_figures(period)
    if request.GET.get("export") == "csv":
        return csv_response(figures)
    context = {
        **admin.site.each_context(request),
        "title": _("Desk dashboard"),
        "form": form,
        "figures": figures,
        "charts": charts(figures),
        "csv_query": f"start={period.start.isoformat()}&end={period.end.isoformat()}&export=csv",
    }
    return TemplateResponse(request, "admin/desk_dashboard.html", context)


def csv_response(figures: DeskFigures) -> HttpResponse:
    period = figures.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="desk-{period.start.isoformat()}-{period.end.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    for row in csv_rows(figures):
        writer.writerow("" if value is None else spreadsheet_safe(value) for value in row)
    return response


# Mounted by tracker.urls at /admin/desk/: the admin's login and its site context around it.
desk_view = admin.site.admin_view(dashboard_view)
