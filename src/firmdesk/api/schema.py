"""The base of the API's representations: ninja's ``Schema`` with one cost
taken out (issue 22: the API lists spent most of their time here).

ninja wraps whatever it validates in a ``DjangoGetter``, so that a model row
(``TaskOut.model_validate(task)``) can be read attribute by attribute, with
its resolvers, managers and file fields turned into values. Our routes build
each representation from keyword arguments (``TaskOut(id=…, title=…)``) and
return pages of representations already made, and for those the wrapper is
pure overhead: one Python call per field of every item, and a second full
validation of every item when ninja checks the page it is given
(``Page[TaskOut]`` reads each ``TaskOut`` back attribute by attribute).

Here a dict (keyword arguments, a parsed JSON body) is validated by pydantic
directly, and a representation of this very class is taken as it is
(pydantic's own rule: an instance is not validated twice). Everything else
(a model row, a ``Schema`` with ``resolve_…`` methods) goes through ninja's
wrapper as before. Validation itself is unchanged: every field is still
checked against its type.
"""

from typing import Any

from ninja import Schema as NinjaSchema
from ninja.schema import DjangoGetter
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator


class Schema(NinjaSchema):
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo
    ) -> Any:
        if not cls._ninja_resolvers and (
            type(values) is dict or isinstance(values, cls)
        ):
            return handler(values)
        # ninja's own validator (ninja.schema.Schema._run_root_validator).
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get(
            "validate_assignment", False
        ):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))
