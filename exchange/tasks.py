"""Background work of the exchange: thin tasks that take ids and call the modules."""

from celery import shared_task

from exchange.matching import link_reviews


@shared_task(name="exchange.link_external_reviews")
def link_external_reviews(review_ids: list[int]) -> int:
    return link_reviews(review_ids)
