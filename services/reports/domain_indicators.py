"""The monitoring indicators of reports, each defined once (code, Russian name, unit, formula)
over the counters, and the closed lists they are built from (forms, categories, deficit areas,
staged instruments, SWOT, pair outcomes). Pure: no I/O. domain.py computes them and says what
each fact adds to the counters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from shared import vocabulary
from shared.vocabulary import INTEREST_TYPES as INTEREST_TYPES
from shared.vocabulary import INTERESTS_INSTRUMENT as INTERESTS_INSTRUMENT

POPULATION = "*"
PUPILS_TARGET = 70.0
"""Federal target: at least 70 % of pupils involved in forms of mentoring (DOMAIN.md)."""

Counters = Mapping[str, float]

FORMS = vocabulary.FORMS
CATEGORIES = vocabulary.CATEGORY_GROUPS
DEFICIT_AREAS = vocabulary.DEFICIT_AREAS
DEFICIT_INSTRUMENT = vocabulary.DEFICIT_INSTRUMENT
GROWTH_INSTRUMENT = vocabulary.GROWTH_INSTRUMENT
GROWTH_SCALES: dict[str, str] = {
    # the scale codes of surveys' growth_measurement (1 — совсем не согласен … 10 — полностью согласен)
    "motivation": "мотивация",
    "competences": "компетенции",
    "soft_skills": "гибкие навыки и лидерство",
    "engagement": "вовлечённость",
}
STAGED_INSTRUMENTS = (DEFICIT_INSTRUMENT, GROWTH_INSTRUMENT)
"""As shared.contracts.surveys.STAGED_INSTRUMENTS (a unit test checks it): the instruments whose
start and end answers feed the «Рост» section."""
STAGES = ("start", "end")
GROWTH_MEASURED = {DEFICIT_INSTRUMENT: "growth_mentees_measured", GROWTH_INSTRUMENT: "measurement_measured"}
"""Per staged instrument, the indicator counting the people measured at both stages."""
CURATOR_INSTRUMENT = vocabulary.CURATOR_INSTRUMENT
CURATOR_RATINGS: dict[str, str] = {
    # the rating scales of surveys' curator_questionnaire (1 — самый низкий балл … 10 — самый высокий)
    "organisation_quality": "качество организации программы (среднее оценок)",
    "organisation": "организация работы программы",
    "pairs_formed_well": "удачность сформированных пар и групп",
    "mentor_engagement": "вовлечённость наставников",
    "mentee_engagement": "вовлечённость наставляемых",
    "admin_support": "поддержка администрации",
    "resources": "достаточность ресурсов",
}
CURATOR_READINESS = "readiness"
"""Share of the yes/no conditions met (programme approved by order, mentors trained): 0, 0,5 or 1."""
SATISFACTION_INSTRUMENTS = {"satisfaction_mentee": "mentee", "satisfaction_mentor": "mentor"}
SATISFACTION_BANDS = {"low": ("1–4 балла", 0, 4.5), "mid": ("5–7 баллов", 4.5, 7.5), "high": ("8–10 баллов", 7.5, 11)}
SWOT_PREFIX = "swot"
SWOT_SCALES = {"strengths": "сильные стороны", "weaknesses": "слабые стороны", "opportunities": "возможности", "threats": "угрозы"}
PAIR_OUTCOMES = {"completed": "завершённых", "terminated": "прекращённых досрочно"}
REGION_ONLY = ("regional_campaigns_held", "regional_campaign_invited", "regional_campaign_responded")
"""Counters of region-wide survey campaigns (school_id None): kept in the region's scope only, as
the campaign's invitees are not known per school. Every other counter is a sum over schools."""
SWOT_BREAKDOWN = "swot_by|"
"""Prefix of the SWOT counters per programme and form: `swot_by|<programme>|<form>|<what>`."""
NOT_GIVEN = ""


def _share(part: str, whole: str) -> Callable[[Counters], float | None]:
    def formula(c: Counters) -> float | None:
        total = c.get(whole, 0)
        return round(100 * c.get(part, 0) / total, 1) if total else None

    return formula


def _mean(total: str, count: str, digits: int = 2) -> Callable[[Counters], float | None]:
    def formula(c: Counters) -> float | None:
        n = c.get(count, 0)
        return round(c.get(total, 0) / n, digits) if n else None

    return formula


def _count(name: str) -> Callable[[Counters], float | None]:
    return lambda c: round(c.get(name, 0), 6)


def _sum(*names: str) -> Callable[[Counters], float | None]:
    return lambda c: round(sum(c.get(name, 0) for name in names), 6)


def _response_rate(c: Counters) -> float | None:
    invited = c.get("campaign_invited", 0) + c.get("regional_campaign_invited", 0)
    responded = c.get("campaign_responded", 0) + c.get("regional_campaign_responded", 0)
    return round(100 * responded / invited, 1) if invited else None


def _against_target(c: Counters) -> float | None:
    # from the unrounded share: 4 of 6 pupils against 70 % is 95,2, not 95,3 (from 66,7 %)
    total = c.get("pupils_total", 0)
    return round(100 * (100 * c.get("mentees_pupils", 0) / total) / PUPILS_TARGET, 1) if total else None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    formula: str
    compute: Callable[[Counters], float | None]
    section: str = "Охват"


def _indicators() -> tuple[Indicator, ...]:
    out = [
        Indicator("schools_total", "Школ всего", "шт.", "число зарегистрированных школ", _count("schools_total"), "Школы"),
        Indicator(
            "schools_with_programme",
            "Школ, реализующих программу наставничества",
            "шт.",
            "школы, где в учебном году зачислен хотя бы один участник программы",
            _count("schools_with_programme"),
            "Школы",
        ),
        Indicator(
            "schools_with_programme_share",
            "Доля школ, реализующих программу",
            "%",
            "школы с программой / все школы × 100",
            _share("schools_with_programme", "schools_total"),
            "Школы",
        ),
        Indicator("mentors_total", "Наставников", "чел.", "участники, зачисленные наставниками в учебном году", _count("mentors_total")),
        Indicator("mentees_total", "Наставляемых", "чел.", "участники, зачисленные наставляемыми в учебном году", _count("mentees_total")),
    ]
    for category, label in CATEGORIES.items():
        out.append(
            Indicator(
                f"mentees_{category}", f"Наставляемых: {label}", "чел.", f"наставляемые категории «{label}»", _count(f"mentees_{category}")
            )
        )
    out += [
        Indicator(
            "young_specialists_in_mentoring_share",
            "Доля молодых специалистов, вовлечённых в наставничество",
            "%",
            "наставляемые — молодые специалисты / все молодые специалисты × 100",
            _share("mentees_young_specialists", "young_specialists_total"),
        ),
        Indicator(
            "pupils_in_mentoring_share",
            "Доля обучающихся, вовлечённых в наставничество",
            "%",
            "наставляемые-обучающиеся / все обучающиеся × 100",
            _share("mentees_pupils", "pupils_total"),
        ),
        Indicator(
            "pupils_coverage_against_target",
            f"Выполнение целевого показателя охвата обучающихся ({PUPILS_TARGET:g} %)",
            "%",
            f"доля обучающихся в наставничестве / {PUPILS_TARGET:g} % × 100",
            _against_target,
        ),
        Indicator("pairs_formed", "Пар сформировано", "шт.", "пары, сформированные в учебном году", _count("pairs_formed"), "Пары"),
        Indicator("pairs_active", "Действующих пар", "шт.", "сформированные и не завершённые пары", _count("pairs_active"), "Пары"),
        Indicator("pairs_completed", "Завершённых пар", "шт.", "пары, завершившие работу", _count("pairs_completed"), "Пары"),
        Indicator("pairs_terminated", "Пар, прекращённых досрочно", "шт.", "пары, прекращённые досрочно", _count("pairs_terminated"), "Пары"),
    ]
    for form, label in FORMS.items():
        out.append(Indicator(f"pairs_active_{form}", f"Действующих пар: {label}", "шт.", f"действующие пары формы «{label}»", _count(f"pairs_active_{form}"), "Пары"))
        for outcome, outcome_label in PAIR_OUTCOMES.items():
            out.append(
                Indicator(
                    f"pairs_{outcome}_{form}",
                    f"Пар {outcome_label}: {label}",
                    "шт.",
                    f"пары формы «{label}», {outcome_label}",
                    _count(f"pairs_{outcome}_{form}"),
                    "Пары",
                )
            )
    out += [
        Indicator(
            "mentor_load_mean",
            "Нагрузка на наставника (наставляемых на одного)",
            "чел.",
            "наставляемые в действующих парах / наставники с действующими парами",
            _mean("pair_mentee_slots_active", "mentors_with_active_pairs"),
            "Нагрузка",
        ),
        Indicator(
            "mentors_over_capacity",
            "Наставников сверх допустимой нагрузки",
            "чел.",
            "наставники, у которых наставляемых в действующих парах больше, чем указано при зачислении",
            _count("mentors_over_capacity"),
            "Нагрузка",
        ),
    ]
    for who, label in (("mentee", "наставляемых"), ("mentor", "наставников")):
        out += [
            Indicator(
                f"{who}_satisfaction_mean",
                f"Удовлетворённость {label} (средний балл)",
                "балл из 10",
                f"среднее шкалы satisfaction анкет satisfaction_{who}",
                _mean(f"{who}_satisfaction_sum", f"{who}_satisfaction_count"),
                "Удовлетворённость",
            ),
            Indicator(
                f"{who}_satisfaction_answers",
                f"Анкет удовлетворённости {label}",
                "шт.",
                f"число заполненных анкет satisfaction_{who}",
                _count(f"{who}_satisfaction_count"),
                "Удовлетворённость",
            ),
        ]
        for band, (band_label, _, _) in SATISFACTION_BANDS.items():
            out.append(
                Indicator(
                    f"{who}_satisfaction_{band}_share",
                    f"Удовлетворённость {label}: доля оценок {band_label}",
                    "%",
                    f"анкеты {label} со средним баллом {band_label} / все анкеты × 100",
                    _share(f"{who}_satisfaction_{band}", f"{who}_satisfaction_count"),
                    "Удовлетворённость",
                )
            )
    out += [
        Indicator(
            "growth_mentees_measured",
            "Наставляемых с входной и итоговой диагностикой",
            "чел.",
            "наставляемые, прошедшие самодиагностику дефицитов в начале и в конце",
            _count("growth_measured"),
            "Рост",
        ),
        Indicator(
            "growth_mean_change",
            "Среднее изменение дефицитов (итог − начало)",
            "балл",
            "среднее по наставляемым (среднее по областям итогового балла − входного); отрицательное — дефициты уменьшились",
            _mean("growth_change_sum", "growth_measured"),
            "Рост",
        ),
        Indicator(
            "growth_improved_share",
            "Доля наставляемых, у которых дефициты уменьшились",
            "%",
            "наставляемые со средним изменением < 0 / наставляемые с обеими диагностиками × 100",
            _share("growth_improved", "growth_measured"),
            "Рост",
        ),
    ]
    for area, label in DEFICIT_AREAS.items():
        for stage, stage_label in (("start", "в начале"), ("end", "в конце")):
            out.append(
                Indicator(
                    f"deficit_{stage}_{area}",
                    f"Дефицит {stage_label}: {label}",
                    "балл",
                    f"средний балл области «{label}» в самодиагностике этапа {stage}",
                    _mean(f"deficit_{stage}_sum_{area}", f"deficit_{stage}_count_{area}"),
                    "Рост",
                )
            )
    out += _measurement_indicators()
    out += _curator_indicators()
    out += _interest_indicators()
    for scale, label in SWOT_SCALES.items():
        out.append(
            Indicator(
                f"swot_{scale}_mean",
                f"SWOT: {label} (средний балл)",
                "балл",
                f"среднее шкалы {scale} анкет SWOT-анализа (код инструмента начинается с swot)",
                _mean(f"swot_sum_{scale}", f"swot_count_{scale}"),
                "SWOT",
            )
        )
    for form, form_label in FORMS.items():
        out.append(
            Indicator(
                f"swot_responses_{form}",
                f"SWOT «{form_label}»: анкет",
                "шт.",
                f"анкеты SWOT-анализа формы «{form_label}» (поле form события, иначе код инструмента swot_{form})",
                _count(f"swot_responses_{form}"),
                "SWOT",
            )
        )
        for scale, label in SWOT_SCALES.items():
            out.append(
                Indicator(
                    f"swot_{scale}_mean_{form}",
                    f"SWOT «{form_label}»: {label} (средний балл)",
                    "балл",
                    f"среднее шкалы {scale} анкет SWOT-анализа формы «{form_label}»",
                    _mean(f"swot_sum_{scale}_{form}", f"swot_count_{scale}_{form}"),
                    "SWOT",
                )
            )
    from services.reports import domain_outcomes, domain_year  # import nothing from here at import time

    return tuple(out + _plan_indicators() + _campaign_indicators() + domain_outcomes.indicators() + domain_year.indicators(Indicator))


def _measurement_indicators() -> list[Indicator]:
    """The growth measurement (входная и итоговая диагностика мотивации и компетенций) of mentees
    and mentors alike; a higher score is better, so growth = end − start > 0."""
    section = "Рост"
    out = [
        Indicator("measurement_measured", "Участников с входной и итоговой диагностикой мотивации и компетенций", "чел.",
                  "наставники и наставляемые, заполнившие анкету growth_measurement в начале и в конце учебного года",
                  _count("measurement_measured"), section),
        Indicator("measurement_mean_change", "Средний рост мотивации и компетенций (итог − начало)", "балл",
                  "среднее по участникам (среднее по шкалам итогового балла − входного); положительное — рост",
                  _mean("measurement_change_sum", "measurement_measured"), section),
        Indicator("measurement_improved_share", "Доля участников с ростом мотивации и компетенций", "%",
                  "участники со средним изменением > 0 / участники с обеими диагностиками × 100",
                  _share("measurement_improved", "measurement_measured"), section),
    ]
    for scale, label in GROWTH_SCALES.items():
        for stage, stage_label in (("start", "в начале"), ("end", "в конце")):
            out.append(Indicator(f"measurement_{stage}_{scale}", f"Диагностика {stage_label}: {label}", "балл",
                                 f"средний балл шкалы «{label}» анкеты growth_measurement этапа {stage} (от 1 до 10)",
                                 _mean(f"measurement_{stage}_sum_{scale}", f"measurement_{stage}_count_{scale}"), section))
        out.append(Indicator(f"measurement_change_{scale}", f"Рост: {label}", "балл",
                             f"среднее по участникам с обеими диагностиками (итоговый − входной балл шкалы «{label}»)",
                             _mean(f"measurement_change_sum_{scale}", f"measurement_change_count_{scale}"), section))
    return out


def _curator_indicators() -> list[Indicator]:
    """The curator's questionnaire (анкета куратора): how the programme was organised."""
    section = "Организация программы"
    out = [Indicator("curator_answers", "Анкет куратора", "шт.", "число заполненных анкет куратора (curator_questionnaire)",
                     _count("curator_answers"), section)]
    for scale, label in CURATOR_RATINGS.items():
        out.append(Indicator(f"curator_{scale}_mean", f"Оценка куратора: {label}", "балл",
                             f"среднее шкалы {scale} анкет куратора (от 1 до 10)",
                             _mean(f"curator_sum_{scale}", f"curator_count_{scale}"), section))
    out.append(Indicator("curator_readiness_share", "Выполнены условия: программа утверждена приказом, наставники обучены", "%",
                         "среднее по анкетам куратора доли выполненных условий × 100",
                         _scaled_mean(f"curator_sum_{CURATOR_READINESS}", f"curator_count_{CURATOR_READINESS}", 100), section))
    return out


def _interest_indicators() -> list[Indicator]:
    """The pupils' professional-interest diagnostic (ДДО Климова): which type of profession each
    answer leans to (its highest score; a tie leans to every type tied), and the mean scores."""
    section = "Профориентация"
    out = [Indicator("interests_answers", "Прошли диагностику профессиональных интересов (ДДО)", "шт.",
                     "число анкет professional_interests_ddo", _count("interests_answers"), section)]
    for kind, label in INTEREST_TYPES.items():
        out.append(Indicator(f"interests_{kind}_share", f"Склонность к типу «{label}»", "%",
                             f"анкеты ДДО, где у типа «{label}» наибольший балл (при равенстве — у каждого из равных) / все анкеты ДДО × 100",
                             _share(f"interests_leaning_{kind}", "interests_answers"), section))
        out.append(Indicator(f"interests_{kind}_mean", f"ДДО: средний балл типа «{label}»", "балл",
                             f"среднее число выборов типа «{label}» (от 0 до 8)",
                             _mean(f"interests_sum_{kind}", f"interests_count_{kind}"), section))
    return out


def _scaled_mean(total: str, count: str, factor: float) -> Callable[[Counters], float | None]:
    def formula(c: Counters) -> float | None:
        n = c.get(count, 0)
        return round(factor * c.get(total, 0) / n, 1) if n else None

    return formula


def _plan_indicators() -> list[Indicator]:
    section = "Планы развития"
    return [
        Indicator("plan_pairs", "Пар с планом развития (ИОМ)", "шт.", "пары, в плане развития которых есть хотя бы одно мероприятие",
                  _count("plan_pairs"), section),
        Indicator("plan_measures_total", "Мероприятий в планах развития", "шт.", "сумма мероприятий в последних версиях планов пар",
                  _count("plan_measures_total"), section),
        Indicator("plan_measures_done", "Мероприятий выполнено", "шт.", "сумма выполненных мероприятий планов пар",
                  _count("plan_measures_done"), section),
        Indicator("plan_measures_done_share", "Доля выполненных мероприятий планов", "%",
                  "выполненные мероприятия / все мероприятия планов × 100", _share("plan_measures_done", "plan_measures_total"), section),
        Indicator("plan_pairs_done", "Пар, выполнивших план полностью", "шт.", "пары, у которых выполнены все мероприятия плана",
                  _count("plan_pairs_done"), section),
        Indicator("plan_pairs_done_share", "Доля пар, выполнивших план полностью", "%",
                  "пары с полностью выполненным планом / пары с планом × 100", _share("plan_pairs_done", "plan_pairs"), section),
    ]


def _campaign_indicators() -> list[Indicator]:
    section = "Опросы"
    regional = "; на уровне региона — и региональные опросы (для всех школ)"
    return [
        Indicator("campaigns_held", "Опросов проведено", "шт.", "открытые и завершённые опросы школ" + regional,
                  _sum("campaigns_held", "regional_campaigns_held"), section),
        Indicator("campaign_invited", "Приглашено к опросам", "чел.", "приглашённые в опросы (при закрытии — по итогам опроса)" + regional,
                  _sum("campaign_invited", "regional_campaign_invited"), section),
        Indicator("campaign_responded", "Ответили на опросы", "чел.",
                  "заполнившие анкету опроса (до закрытия — по событиям ответов, после — по итогам опроса)" + regional,
                  _sum("campaign_responded", "regional_campaign_responded"), section),
        Indicator("campaign_response_rate", "Доля ответивших на опросы", "%", "ответившие / приглашённые × 100" + regional,
                  _response_rate, section),
        Indicator("regional_campaign_responses", "Ответов на региональные опросы", "шт.",
                  "анкеты участников уровня, заполненные в региональных опросах (для всех школ)",
                  _count("regional_campaign_responses"), section),
    ]


INDICATORS: tuple[Indicator, ...] = _indicators()
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
KEY_CODES = (
    "schools_total",
    "schools_with_programme",
    "mentors_total",
    "mentees_total",
    "pairs_active",
    "young_specialists_in_mentoring_share",
    "pupils_in_mentoring_share",
    "pupils_coverage_against_target",
    "mentor_load_mean",
    "mentee_satisfaction_mean",
    "mentor_satisfaction_mean",
    "growth_improved_share",
    "plan_measures_done_share",
    "campaign_response_rate",
)
"""The indicators shown in the drill-down tables (the full list is on each scope's page)."""
KEY_SHORT_NAMES = {
    "schools_total": "Школ",
    "schools_with_programme": "С программой",
    "mentors_total": "Наставников",
    "mentees_total": "Наставляемых",
    "pairs_active": "Действующих пар",
    "young_specialists_in_mentoring_share": "Молодые специалисты в наставничестве, %",
    "pupils_in_mentoring_share": "Обучающиеся в наставничестве, %",
    "pupils_coverage_against_target": "Выполнение цели охвата, %",
    "mentor_load_mean": "Наставляемых на наставника",
    "mentee_satisfaction_mean": "Удовлетворённость наставляемых",
    "mentor_satisfaction_mean": "Удовлетворённость наставников",
    "growth_improved_share": "Дефициты снизились, %",
    "plan_measures_done_share": "Мероприятий планов выполнено, %",
    "campaign_response_rate": "Ответили на опросы, %",
}
"""Headings of KEY_CODES in wide tables (the dashboard's drill-down, the PDF's level tables):
short enough for 15 columns on a 1366-pixel screen or a landscape A4 page; the full name goes
to the tooltip."""
