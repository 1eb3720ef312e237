package io.rampart.policy;

import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 CIDR block, parsed by hand: {@code InetAddress.getByName} may resolve host names,
 * and a policy engine does no I/O.
 */
record IpCidr(byte[] network, int prefix) {

    /** Null when {@code text} is not an address or CIDR block. */
    static @Nullable IpCidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        byte[] addr = parseAddress(slash < 0 ? t : t.substring(0, slash));
        if (addr == null) return null;
        int prefix = addr.length * 8;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) return null;
            prefix = Integer.parseInt(p);
            if (prefix > addr.length * 8) return null;
        }
        return new IpCidr(addr, prefix);
    }

    boolean contains(byte @Nullable [] ip) {
        if (ip == null || ip.length != network.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (ip[i] != network[i]) return false;
        }
        int rem = prefix % 8;
        if (rem == 0) return true;
        int mask = (0xFF << (8 - rem)) & 0xFF;
        return (ip[full] & mask) == (network[full] & mask);
    }

    /** IPv4 dotted quad or IPv6 (with :: and an embedded IPv4 tail); null when not an address. */
    static byte @Nullable [] parseAddress(String s) {
        if (s.indexOf(':') >= 0) return parseV6(s);
        return parseV4(s);
    }

    private static byte @Nullable [] parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) return null;
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') return null;
                v = v * 10 + (c - '0');
            }
            if (v > 255) return null;
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte @Nullable [] parseV6(String s) {
        int zone = s.indexOf('%');
        if (zone >= 0) s = s.substring(0, zone);
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return null;
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null) return null;
        int total = h.length + t.length;
        if (dbl < 0 && total != 8) return null;
        if (dbl >= 0 && total > 7) return null;
        int[] all = new int[8];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(t, 0, all, 8 - t.length, t.length);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (all[i] >> 8);
            b[2 * i + 1] = (byte) all[i];
        }
        return b;
    }

    private static int @Nullable [] groups(String s) {
        if (s.isEmpty()) return new int[0];
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean v4tail = parts[n - 1].indexOf('.') >= 0;
        int[] g = new int[v4tail ? n + 1 : n];
        for (int i = 0; i < (v4tail ? n - 1 : n); i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 4) return null;
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                int d = Character.digit(p.charAt(j), 16);
                if (d < 0) return null;
                v = v * 16 + d;
            }
            g[i] = v;
        }
        if (v4tail) {
            byte[] v4 = parseV4(parts[n - 1]);
            if (v4 == null) return null;
            g[n - 1] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
            g[n] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
        }
        return g;
    }
}
