"""Instruments, validation of answers and scoring: pure, no I/O.

The built-in satisfaction questionnaires follow the target model's mentee and mentor
questionnaires (items rated 1–10, «1 – самый низкий балл, 10 – самый высокий»). The official
wording was not at hand: the items are written faithful to its intent."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    kind: str = "scale"  # scale | text
    minimum: int = 1
    maximum: int = 10
    required: bool = True


@dataclass(frozen=True)
class Instrument:
    code: str
    version: int
    title: str
    respondent_role: str
    description: str
    items: tuple[Item, ...]
    scales: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Scale code → the items whose mean is the scale's score."""

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)


_SATISFACTION_NOTE = (
    "Анкета удовлетворённости участника программы наставничества (целевая модель). "
    "Официальные формулировки не были под рукой: пункты составлены по смыслу оригинала. "
    "Оценка от 1 (самый низкий балл) до 10 (самый высокий)."
)


def _satisfaction(code: str, role: str, partner: str) -> Instrument:
    ratings = (
        Item("effectiveness", "Насколько эффективной была программа наставничества?"),
        Item("comfort", f"Насколько комфортно было общение с {partner}?"),
        Item("meetings_useful", "Насколько полезными были личные и групповые встречи?"),
        Item("joint_work", "Насколько вы довольны совместной работой?"),
        Item("expectations_met", "Насколько оправдались ваши ожидания?"),
    )
    return Instrument(
        code=code,
        version=1,
        title=f"Анкета удовлетворённости ({'наставляемого' if role == 'mentee' else 'наставника'})",
        respondent_role=role,
        description=_SATISFACTION_NOTE,
        items=(
            *ratings,
            Item("most_valuable", "Что было особенно ценным?", kind="text", required=False),
            Item("missing", "Чего не хватило?", kind="text", required=False),
        ),
        scales={"satisfaction": tuple(i.code for i in ratings), **{i.code: (i.code,) for i in ratings}},
    )


BUILT_IN: dict[tuple[str, int], Instrument] = {
    (i.code, i.version): i
    for i in (
        _satisfaction("satisfaction_mentee", "mentee", "наставником"),
        _satisfaction("satisfaction_mentor", "mentor", "наставляемым"),
    )
}


@dataclass(frozen=True)
class AnswerProblem:
    item: str
    message: str


def answer_problems(instrument: Instrument, answers: dict[str, object]) -> list[AnswerProblem]:
    """Every problem of a set of answers, one per item, in Russian."""
    problems = [
        AnswerProblem(code, f"Неизвестный вопрос «{code}» в анкете {instrument.code} v{instrument.version}")
        for code in answers
        if instrument.item(code) is None
    ]
    for item in instrument.items:
        value = answers.get(item.code)
        if value is None or value == "":
            if item.required:
                problems.append(AnswerProblem(item.code, "Обязательный вопрос без ответа"))
            continue
        if item.kind == "scale":
            if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
                problems.append(AnswerProblem(item.code, f"Ожидается целое число от {item.minimum} до {item.maximum}"))
            elif not item.minimum <= value <= item.maximum:
                problems.append(
                    AnswerProblem(item.code, f"Значение {value} вне шкалы {item.minimum}–{item.maximum}")
                )
        elif not isinstance(value, str):
            problems.append(AnswerProblem(item.code, "Ожидается текст"))
    return problems


def score(instrument: Instrument, answers: dict[str, object]) -> dict[str, float]:
    """Scale code → mean of its answered items, rounded to 2 decimals."""
    scores = {}
    for scale, items in instrument.scales.items():
        values = [float(answers[i]) for i in items if isinstance(answers.get(i), int | float)]
        if values:
            scores[scale] = round(fmean(values), 2)
    return scores
