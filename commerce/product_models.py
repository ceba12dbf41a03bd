"""Product lookups (URL -> name, price, image), defined beside commerce.models and imported there."""
