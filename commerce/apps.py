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

    def ready(self):
        super().ready()
        from commerce.orders import pages

        pages.connect()  # the cached order pages follow the order rows' writes
