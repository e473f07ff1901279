"""Guided practice (tap-through screenshots in lessons): recording that a learner finished one."""

urlpatterns: list = []
