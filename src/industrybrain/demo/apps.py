from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "industrybrain.demo"
    label = "demo"
