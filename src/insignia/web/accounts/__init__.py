"""People: the user model (email login via django-allauth), several verified addresses each."""
