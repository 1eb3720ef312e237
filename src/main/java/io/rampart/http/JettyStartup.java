package io.rampart.http;

/**
 * Keeps Jetty from starting the platform MBean server. Jetty's {@code MemoryUtils} asks the HotSpotDiagnostic MBean
 * whether compressed oops are on, through {@code ManagementFactory.getPlatformMBeanServer()}, which registers every
 * platform MBean (including the JFR diagnostic commands): about a second of a first start on this machine's profile,
 * for a padding hint. Jetty skips the probe when {@code org.eclipse.jetty.util.referencesPerCacheLine} is set.
 */
final class JettyStartup {
    private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    private JettyStartup() {}

    /** Sets the hint (unless the operator has) before Jetty's thread pool first loads MemoryUtils. */
    static void skipMBeanServerProbe() {
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) != null) return;
        // HotSpot uses compressed oops (4-byte references) for heaps under 32 GiB unless told otherwise; a wrong
        // guess only changes how far apart Jetty pads its counters, never behaviour.
        boolean compressedOops = Runtime.getRuntime().maxMemory() < 32L * 1024 * 1024 * 1024;
        System.setProperty(REFERENCES_PER_CACHE_LINE, Integer.toString(64 / (compressedOops ? 4 : 8)));
    }
}
