"""Surveys: definitions as data, answer validation, scoring and the anonymity guard.

Pure and platform neutral: no database, no chat platform; the only I/O is reading
definition files.

Definition files (TOML, `surveys/definitions/*.toml`, texts in Polish and English)::

    id = "employee-pulse"          # lowercase letters, digits, single - or _ between
    kind = "pulse"                 # pulse | maturity | diagnostic | custom
    audience_hint = "everyone"     # everyone | managers (default everyone)
    title = { pl = "...", en = "..." }
    intro = { pl = "...", en = "..." }   # optional
    [[questions]]
    id = "enps"
    type = "nps"                   # nps (0-10) | likert (1-5) | yes_no | text (<= 2000 chars):
                                   #   one module each in surveys/question_types/
    text = { pl = "...", en = "..." }
    optional = false               # default false
    scale = [0, 10]                # optional; must match the type's fixed scale
    dimension = "..."              # maturity only: one of surveys.dimensions.DIMENSION_IDS

Checked on load (SurveyDefinitionError lists every problem with file and question id):
both translations of every text, unique question ids, known types / keys / dimensions,
at least one question; a maturity survey has >= 3 likert items in each of the six
dimensions; a diagnostic has exactly 6 yes_no questions.

Maturity levels from a 1-5 score (lower bound included):
1 [1.0, 1.8) Scattered / Rozproszony;  2 [1.8, 2.6) Noticing / Dostrzegający;
3 [2.6, 3.4) Ordered / Uporządkowany;  4 [3.4, 4.2) Connected / Połączony;
5 [4.2, 5.0] Self-steering / Samosterowny.

Anonymity: no figures for a group with fewer than k respondents (default 5, never
below 3); see surveys.anonymity.
"""

from surveys.anonymity import (
    DEFAULT_K,
    MIN_K,
    AnonymityError,
    GroupTooSmall,
    ScopeDifferenceTooSmall,
    ThresholdTooLow,
    aggregate_by_group,
    check_filter_isolation,
    suppress_below_k,
    validate_k,
)
from surveys.answers import AnswerError, validate_answer
from surveys.diagnostic import DataAnswer, DiagnosticData, DiagnosticVerdict, data_answers, diagnostic_verdict
from surveys.dimensions import DIMENSION_IDS, DIMENSIONS, Dimension
from surveys.loader import SurveyDefinitionError, builtin_definition, builtin_definitions, load_definition
from surveys.maturity import STAGES, DimensionScore, MaturityResult, Stage, level_for, score_maturity, stage_for
from surveys.model import LocalizedText, Question, Scale, SurveyDefinition
from surveys.scoring import (
    Change,
    Comments,
    LikertResult,
    NpsResult,
    collect_comments,
    likert,
    mean_change,
    nps,
    nps_change,
)

__all__ = [
    "DEFAULT_K", "MIN_K", "AnonymityError", "GroupTooSmall", "ScopeDifferenceTooSmall", "ThresholdTooLow",
    "aggregate_by_group", "check_filter_isolation", "suppress_below_k", "validate_k",
    "AnswerError", "validate_answer",
    "DataAnswer", "DiagnosticData", "DiagnosticVerdict", "data_answers", "diagnostic_verdict",
    "DIMENSION_IDS", "DIMENSIONS", "Dimension",
    "SurveyDefinitionError", "builtin_definition", "builtin_definitions", "load_definition",
    "STAGES", "DimensionScore", "MaturityResult", "Stage", "level_for", "score_maturity", "stage_for",
    "LocalizedText", "Question", "Scale", "SurveyDefinition",
    "Change", "Comments", "LikertResult", "NpsResult", "collect_comments",
    "likert", "mean_change", "nps", "nps_change",
]
