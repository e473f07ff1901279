"""Wagtail hooks of core: only registration (the rights guard of bulk actions, the hotspot editor's
preview endpoint, the reviewer's main button and review messages)."""

from wagtail import hooks

from core import hotspot_editor, moderation
from core.rights import bulk_action_guard


@hooks.register("before_bulk_action")
def check_bulk_action_objects_in_scope(request, action_type, objects, action_class_instance):
    """Every bulk action on a model with a scoped permission policy is checked object by object before
    it runs (core.rights); the bulk-action URL already loads only what the policy allows."""
    return bulk_action_guard(request, action_type, objects, action_class_instance)


@hooks.register("register_admin_urls")
def register_hotspot_editor_urls():
    # The screenshot preview the hotspot editor loads (questions and lesson practice steps).
    return hotspot_editor.urlpatterns


@hooks.register("construct_page_action_menu")
def reviewers_main_button_is_approve(menu_items, request, context):
    moderation.approve_first(menu_items, request, context)


@hooks.register("after_edit_page")
def say_what_the_review_did(request, page):
    return moderation.announce_review(request, page)
