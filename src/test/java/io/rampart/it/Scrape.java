package io.rampart.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fetches and reads a Prometheus text exposition from a server's metrics port. */
record Scrape(int status, String body) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static Scrape of(int port, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (token != null) b.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Scrape(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every sample: the series ("name{labels}") to its value. */
    Map<String, Double> samples() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    /** The value of the one sample whose name is {@code name} and whose labels include every given label=value. */
    double value(String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (Map.Entry<String, Double> e : samples().entrySet()) {
            if (matches(e.getKey(), name, labels)) {
                sum += e.getValue();
                found = true;
            }
        }
        if (!found) throw new AssertionError("no sample " + name + " " + String.join(",", labels) + " in:\n" + body);
        return sum;
    }

    /** Whether any sample of metric {@code name} exists. */
    boolean has(String name) {
        return samples().keySet().stream().anyMatch(s -> s.equals(name) || s.startsWith(name + "{"));
    }

    private static boolean matches(String series, String name, String... labels) {
        if (!series.equals(name) && !series.startsWith(name + "{")) return false;
        for (int i = 0; i < labels.length; i += 2) {
            if (!series.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) return false;
        }
        return true;
    }
}
