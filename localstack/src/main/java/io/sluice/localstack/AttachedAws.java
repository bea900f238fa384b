package io.sluice.localstack;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Endpoints started by someone else (docker compose, a detached {@code sluice local up}); never stopped here. */
final class AttachedAws implements LocalAws {
    private final Map<Service, URI> endpoints = new EnumMap<>(Service.class);

    AttachedAws(URI defaultEndpoint, Map<Service, URI> overrides) {
        for (Service s : Service.values()) {
            URI uri = overrides.getOrDefault(s, defaultEndpoint);
            if (uri == null) {
                throw new IllegalArgumentException("No endpoint for " + s.id());
            }
            endpoints.put(s, uri);
        }
    }

    @Override
    public LocalAws start() {
        return this;
    }

    @Override
    public void close() {
        // Not ours to stop.
    }

    @Override
    public String kind() {
        return "attached";
    }

    @Override
    public URI endpoint(Service service) {
        return endpoints.get(service);
    }

    @Override
    public Map<String, Duration> startupTimes() {
        return Map.of();
    }

    @Override
    public String toString() {
        return "AttachedAws" + endpoints;
    }
}
