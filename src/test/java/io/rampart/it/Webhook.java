package io.rampart.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A local webhook receiver: records every event message POSTed to it, or refuses the next ones with 503. */
final class Webhook implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<JsonNode> received = new ArrayList<>();
    private final AtomicInteger refuse = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private Webhook(HttpServer server) {
        this.server = server;
    }

    static Webhook start() {
        return start(0);
    }

    static Webhook start(int port) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            Webhook w = new Webhook(s);
            s.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int code;
                if (w.refuse.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                    w.refused.incrementAndGet();
                    code = 503;
                } else {
                    synchronized (w.received) {
                        w.received.add(JSON.readTree(body));
                    }
                    code = 200;
                }
                exchange.sendResponseHeaders(code, -1);
                exchange.close();
            });
            s.start();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
    }

    /** Answers the next {@code n} deliveries with 503. */
    void refuseNext(int n) {
        refuse.set(n);
    }

    int refused() {
        return refused.get();
    }

    /** The first record of every message received, in arrival order. */
    List<JsonNode> records() {
        synchronized (received) {
            return received.stream().map(m -> m.get("Records").get(0)).toList();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
