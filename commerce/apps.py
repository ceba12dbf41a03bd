from bidangil.apps import PackagedModelsConfig


class CommerceConfig(PackagedModelsConfig):
    name = "commerce"
    model_packages = (
        "orders",
        "payments",
        "shipping",
        "products",
        "conversations",
        "problems",
    )  # one label, one migrations folder
