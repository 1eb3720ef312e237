package io.rampart.iam;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The IAM actions on virtual MFA devices and their assignment to users.
 */
final class IamMfa extends IamFamily {
    IamMfa(IamStore store, Permissions permissions, String region) {
        super(store, permissions, region);
    }

    @Override
    void register(IamApi.ActionTable t) {
        t.on("CreateVirtualMFADevice", this::createVirtualMFADevice);
        t.on("EnableMFADevice", this::enableMFADevice);
        t.on("DeactivateMFADevice", this::deactivateMFADevice);
        t.on("DeleteVirtualMFADevice", this::deleteVirtualMFADevice);
        t.on("ListMFADevices", this::listMFADevices);
        t.on("ListVirtualMFADevices", this::listVirtualMFADevices);
    }

    private byte[] createVirtualMFADevice(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("VirtualMFADeviceName");
        String path = r.optional("Path").orElse("/");
        String serial = "arn:aws:iam::" + acct + ":mfa" + Directory.checkPath(path)
                + Directory.checkName("virtualMFADeviceName", name, 226);
        authorize(r, "iam:CreateVirtualMFADevice", serial);
        byte[] seed = IamIds.randomBytes(20);
        store.createVirtualMfa(serial, acct, seed);
        String base32 = Totp.base32(seed);
        java.util.Arrays.fill(seed, (byte) 0);
        return ok(
                r,
                x -> x.start("VirtualMFADevice")
                        .element("SerialNumber", serial)
                        .element(
                                "Base32StringSeed",
                                Base64.getEncoder().encodeToString(base32.getBytes(StandardCharsets.US_ASCII)))
                        .end());
    }

    private byte[] enableMFADevice(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.required("UserName");
        authorize(r, "iam:EnableMFADevice", userArn(acct, user));
        dir.get(acct, "user", user);
        store.enableMfa(
                acct,
                user,
                r.required("SerialNumber"),
                r.required("AuthenticationCode1"),
                r.required("AuthenticationCode2"),
                r.now().getEpochSecond());
        dir.changed();
        return ok(r, null);
    }

    private byte[] deactivateMFADevice(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.required("UserName");
        authorize(r, "iam:DeactivateMFADevice", userArn(acct, user));
        store.deactivateMfa(acct, user, r.required("SerialNumber"));
        dir.changed();
        return ok(r, null);
    }

    private byte[] deleteVirtualMFADevice(QueryRequest r) {
        String acct = r.caller().accountId();
        String serial = r.required("SerialNumber");
        authorize(r, "iam:DeleteVirtualMFADevice", serial);
        store.deleteVirtualMfa(acct, serial);
        return ok(r, null);
    }

    private byte[] listMFADevices(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.optional("UserName").orElseGet(() -> selfUser(r));
        authorize(r, "iam:ListMFADevices", userArn(acct, user));
        return page(
                r,
                "MFADevices",
                store.mfaDevices(acct).stream()
                        .filter(d -> d.enabled() && d.userName().equalsIgnoreCase(user))
                        .toList(),
                (x, d) -> x.start("member")
                        .element("UserName", d.userName())
                        .element("SerialNumber", d.serial())
                        .element("EnableDate", QueryXml.date(d.created()))
                        .end());
    }

    private byte[] listVirtualMFADevices(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:ListVirtualMFADevices", "*");
        String status = r.optional("AssignmentStatus").orElse("Any");
        return page(
                r,
                "VirtualMFADevices",
                store.mfaDevices(acct).stream()
                        .filter(d -> status.equals("Any") || (status.equals("Assigned") == d.enabled()))
                        .toList(),
                (x, d) -> {
                    x.start("member").element("SerialNumber", d.serial());
                    if (d.enabled()) {
                        user(x.start("User"), dir.get(acct, "user", d.userName()), false)
                                .end();
                        x.element("EnableDate", QueryXml.date(d.created()));
                    }
                    x.end();
                });
    }
}
