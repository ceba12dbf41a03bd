from bidangil.apps import PackagedModelsConfig


class CommunityConfig(PackagedModelsConfig):
    name = "community"
    model_packages = ("avatars",)
