"""Monitoring indicators: every indicator defined once (code, Russian name, unit, formula),
computed from counters that events increment. Pure: no I/O.

Counters are kept per scope (school, municipality, region) and academic year. Population
counters (how many schools, teachers, young specialists, pupils are registered) belong to no
year and are stored under POPULATION; an indicator of year Y reads both. Every counter is a
sum over schools, so any group of schools (e.g. the low-result / difficult-condition schools)
is computed by adding its schools' counters and applying the same formulas."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
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
    from services.reports import domain_outcomes  # imports nothing from here at import time

    return tuple(out + _plan_indicators() + _campaign_indicators() + domain_outcomes.indicators())


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


def compute(counters: Counters) -> dict[str, float | None]:
    return {indicator.code: indicator.compute(counters) for indicator in INDICATORS}


def add_up(counter_sets: Iterable[Counters]) -> dict[str, float]:
    """Counters of a group of scopes: the sum of theirs (every counter is additive)."""
    total: dict[str, float] = {}
    for counters in counter_sets:
        for name, value in counters.items():
            total[name] = total.get(name, 0) + value
    return total


def difference(new: Counters, old: Counters) -> dict[str, float]:
    """What to add to go from `old` to `new`."""
    return {name: new.get(name, 0) - old.get(name, 0) for name in set(new) | set(old) if new.get(name, 0) != old.get(name, 0)}


def negate(deltas: Counters) -> dict[str, float]:
    return {name: -value for name, value in deltas.items()}


def pseudonym(participant_id: str) -> str:
    """The one-way name reports keeps of a withdrawn person (idempotent)."""
    if participant_id.startswith("anon-"):
        return participant_id
    return "anon-" + hashlib.sha256(participant_id.encode()).hexdigest()[:24]


# -- what each fact adds to the counters ------------------------------------------------------


def school_registered(low_results: bool, difficult_conditions: bool) -> dict[str, float]:
    return {
        "schools_total": 1,
        "schools_low_results": int(low_results),
        "schools_difficult_conditions": int(difficult_conditions),
    }


def participant_registered(category: str, young_specialist: bool) -> dict[str, float]:
    return {
        "teachers_total": int(category == "teacher"),
        "young_specialists_total": int(young_specialist),
        "pupils_total": int(category == "pupil"),
    }


def role_taken(role: str, category: str, young_specialist: bool) -> dict[str, float]:
    """A person's first enrolment in a role in a year (later ones in other programmes add nothing)."""
    if role == "mentor":
        return {"mentors_total": 1}
    if role == "mentee":
        return {
            "mentees_total": 1,
            f"mentees_{category}": 1,
            "mentees_young_specialists": int(young_specialist),
            "mentees_pupils": int(category == "pupil"),
        }
    return {"curators_total": 1}


def school_running(people_enrolled: int) -> dict[str, float]:
    return {"schools_with_programme": int(people_enrolled > 0)}


def pair_formed(form: str, mentees: int) -> dict[str, float]:
    return {"pairs_formed": 1, "pairs_active": 1, f"pairs_active_{form}": 1, "pair_mentee_slots_active": mentees}


def pair_ended(form: str, mentees: int, outcome: str) -> dict[str, float]:
    outcome = outcome if outcome in PAIR_OUTCOMES else "terminated"
    return {
        "pairs_active": -1,
        f"pairs_active_{form}": -1,
        "pair_mentee_slots_active": -mentees,
        f"pairs_{outcome}": 1,
        f"pairs_{outcome}_{form}": 1,
    }


def mentor_state(capacity: int | None, active_mentees: int) -> dict[str, float]:
    """What one mentor contributes to the load indicators."""
    return {
        "mentors_with_active_pairs": int(active_mentees > 0),
        "mentors_over_capacity": int(capacity is not None and active_mentees > capacity),
    }


def satisfaction_band(value: float) -> str:
    for band, (_, low, high) in SATISFACTION_BANDS.items():
        if low <= value < high:
            return band
    return "low"


def response_completed(
    instrument_code: str, scores: Mapping[str, float], programme_id: str | None = None, form: str | None = None
) -> dict[str, float]:
    """Satisfaction, SWOT, curator's and professional-interest answers (the staged instruments go
    through staged_contribution())."""
    who = SATISFACTION_INSTRUMENTS.get(instrument_code)
    if who is not None and "satisfaction" in scores:
        value = scores["satisfaction"]
        return {f"{who}_satisfaction_sum": value, f"{who}_satisfaction_count": 1, f"{who}_satisfaction_{satisfaction_band(value)}": 1}
    if instrument_code.startswith(SWOT_PREFIX):
        return swot(instrument_code, scores, programme_id, form)
    if instrument_code == CURATOR_INSTRUMENT:
        return curator(scores)
    if instrument_code == INTERESTS_INSTRUMENT:
        return interests(scores)
    return {}


def interests(scores: Mapping[str, float]) -> dict[str, float]:
    """One professional-interest diagnostic: the types it leans to and the scores."""
    present = {kind: float(scores[kind]) for kind in INTEREST_TYPES if kind in scores}
    if not present:
        return {}
    top = max(present.values())
    deltas: dict[str, float] = {"interests_answers": 1}
    for kind, value in present.items():
        deltas[f"interests_sum_{kind}"] = value
        deltas[f"interests_count_{kind}"] = 1
        if value == top:
            deltas[f"interests_leaning_{kind}"] = 1
    return deltas


def curator(scores: Mapping[str, float]) -> dict[str, float]:
    """One curator's questionnaire: its rating scales and the share of conditions met."""
    deltas: dict[str, float] = {"curator_answers": 1}
    for scale in (*CURATOR_RATINGS, CURATOR_READINESS):
        if scale in scores:
            deltas[f"curator_sum_{scale}"] = scores[scale]
            deltas[f"curator_count_{scale}"] = 1
    return deltas


def swot_form(instrument_code: str, form: str | None) -> str:
    """The form a SWOT answer is about: the event's, else the variant's (`swot_<form>`), else none."""
    if form:
        return form
    variant = instrument_code[len(SWOT_PREFIX) :].lstrip("_")
    return variant if variant in FORMS else NOT_GIVEN


def swot(instrument_code: str, scores: Mapping[str, float], programme_id: str | None, form: str | None) -> dict[str, float]:
    """One SWOT answer: the overall means, the form's means, and the (programme, form) breakdown."""
    form = swot_form(instrument_code, form)
    by = f"{SWOT_BREAKDOWN}{programme_id or NOT_GIVEN}|{form}|"
    deltas: dict[str, float] = {f"{by}responses": 1}
    if form in FORMS:
        deltas[f"swot_responses_{form}"] = 1
    for scale in SWOT_SCALES:
        if scale in scores:
            deltas[f"swot_sum_{scale}"] = scores[scale]
            deltas[f"swot_count_{scale}"] = 1
            deltas[f"{by}sum_{scale}"] = scores[scale]
            deltas[f"{by}count_{scale}"] = 1
            if form in FORMS:
                deltas[f"swot_sum_{scale}_{form}"] = scores[scale]
                deltas[f"swot_count_{scale}_{form}"] = 1
    return deltas


@dataclass(frozen=True)
class SwotRow:
    """The SWOT summary of one programme and form in a scope."""

    programme_id: str
    form: str
    form_name: str
    responses: int
    means: dict[str, float | None]
    programme_name: str = ""


def programme_name(programme_id: str, titles: Mapping[str, str]) -> str:
    """What people see for a programme: its title, else its id (no launch seen), else «не указана»."""
    return titles.get(programme_id) or programme_id or "не указана"


def swot_breakdown(counters: Counters, titles: Mapping[str, str] | None = None) -> list[SwotRow]:
    """The (programme, form) rows found in a scope's counters, sorted by programme id and form;
    empty programme / form = not given in the answers. `titles`: programme id → title."""
    found: dict[tuple[str, str], dict[str, float]] = {}
    for name, value in counters.items():
        if name.startswith(SWOT_BREAKDOWN):
            programme, form, what = name[len(SWOT_BREAKDOWN) :].rsplit("|", 2)
            found.setdefault((programme, form), {})[what] = value
    rows = []
    for (programme, form), c in sorted(found.items()):
        if round(c.get("responses", 0), 9) <= 0:
            continue  # every answer of it was withdrawn
        means = {scale: _mean(f"sum_{scale}", f"count_{scale}")(c) for scale in SWOT_SCALES}
        rows.append(SwotRow(programme, form, FORMS.get(form, form or "форма не указана"), round(c["responses"]), means,
                            programme_name(programme, titles or {})))
    return rows


def plan_progress(measures_total: int, measures_done: int) -> dict[str, float]:
    """What one pair's development plan (its latest version) contributes."""
    if measures_total <= 0:
        return {}
    done = min(measures_done, measures_total)
    return {"plan_pairs": 1, "plan_measures_total": measures_total, "plan_measures_done": done, "plan_pairs_done": int(done >= measures_total)}


def campaign(regional: bool, invited: int, responded: int) -> dict[str, float]:
    """What one opened survey campaign contributes: a region-wide one to the region only."""
    prefix = "regional_" if regional else ""
    return {f"{prefix}campaigns_held": 1, f"{prefix}campaign_invited": invited, f"{prefix}campaign_responded": responded}


def deficit_areas(scores: Mapping[str, float]) -> dict[str, float]:
    return {area: float(value) for area, value in scores.items() if area in DEFICIT_AREAS}


def growth(start: Mapping[str, float] | None, end: Mapping[str, float] | None) -> dict[str, float]:
    """What one mentee's start and end deficit diagnostics contribute (either may be missing).
    A higher score is a larger deficit; the change is over the areas measured both times."""
    deltas: dict[str, float] = {}
    for stage, scores in (("start", start), ("end", end)):
        for area, value in (scores or {}).items():
            deltas[f"deficit_{stage}_sum_{area}"] = value
            deltas[f"deficit_{stage}_count_{area}"] = 1
    common = sorted(set(start or {}) & set(end or {}))
    if start is not None and end is not None and common:
        change = sum(end[a] - start[a] for a in common) / len(common)
        deltas["growth_measured"] = 1
        deltas["growth_change_sum"] = change
        deltas["growth_improved"] = int(change < 0)
    return deltas


def measurement_scales(scores: Mapping[str, float]) -> dict[str, float]:
    return {scale: float(value) for scale, value in scores.items() if scale in GROWTH_SCALES}


def measurement_growth(start: Mapping[str, float] | None, end: Mapping[str, float] | None) -> dict[str, float]:
    """What one participant's start and end growth measurements contribute (either may be
    missing). A higher score is better; the change is over the scales measured both times."""
    deltas: dict[str, float] = {}
    for stage, scores in (("start", start), ("end", end)):
        for scale, value in (scores or {}).items():
            deltas[f"measurement_{stage}_sum_{scale}"] = value
            deltas[f"measurement_{stage}_count_{scale}"] = 1
    common = sorted(set(start or {}) & set(end or {}))
    if start is not None and end is not None and common:
        for scale in common:
            deltas[f"measurement_change_sum_{scale}"] = end[scale] - start[scale]
            deltas[f"measurement_change_count_{scale}"] = 1
        change = sum(end[s] - start[s] for s in common) / len(common)
        deltas["measurement_measured"] = 1
        deltas["measurement_change_sum"] = change
        deltas["measurement_improved"] = int(change > 0)
    return deltas


def staged_contribution(instrument_code: str, start: Mapping[str, float] | None, end: Mapping[str, float] | None) -> dict[str, float]:
    """What one person's start and end answers to a staged instrument contribute."""
    if instrument_code == DEFICIT_INSTRUMENT:
        return growth(start, end)
    return measurement_growth(start, end)


def staged_scores(instrument_code: str, scores: Mapping[str, float]) -> dict[str, float]:
    """The scales of a staged instrument that reports keeps."""
    return deficit_areas(scores) if instrument_code == DEFICIT_INSTRUMENT else measurement_scales(scores)


def counts_for_growth(instrument_code: str, stage: str | None, respondent_role: str) -> bool:
    """Whether an answer feeds the «Рост» section: a staged instrument's, with a stage; the
    deficit self-diagnosis of mentees only (its indicators are about mentees)."""
    if instrument_code not in STAGED_INSTRUMENTS or stage not in STAGES:
        return False
    return instrument_code != DEFICIT_INSTRUMENT or respondent_role == "mentee"


# -- the outcomes the programmes promise (services/reports/domain_outcomes.py) -----------------

from services.reports.domain_outcomes import (  # noqa: E402, F401 - re-exported: one place for every indicator
    CUSTOM_BREAKDOWN,
    DDO_BREAKDOWN,
    MIN_GROUP,
    RETENTION_GROUPS,
    SELF_DETERMINATION,
    SMALL_GROUP,
    STAFF_BREAKDOWN,
    Breakdown,
    custom_answer,
    custom_breakdowns,
    custom_instruments_in,
    interests_breakdowns,
    interests_by,
    mentee_enrolled,
    mentee_withdrawn,
    normal_subject,
    retention_groups,
    self_determination,
    staff_breakdown,
    staff_role_taken,
    subjects_of,
)
