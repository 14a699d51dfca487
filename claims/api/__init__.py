"""Claims over REST: serializers, filters and viewsets, one module each."""
