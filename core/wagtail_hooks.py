from wagtail import hooks

from core.rights import bulk_action_guard

# Every bulk action on a model with a scoped permission policy is checked object by object before it
# runs (core.rights); the bulk-action URL already loads only what the policy allows.
hooks.register("before_bulk_action", bulk_action_guard)
