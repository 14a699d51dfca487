"""The REST API over the record: serializers (the payload webhooks share), filters, viewsets."""
