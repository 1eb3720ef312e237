package io.rampart.iam;

import java.time.Instant;
import java.util.Optional;

/**
 * The IAM actions on a user's access keys (and the other credential kinds Rampart has none of).
 */
final class IamAccessKeys extends IamFamily {
    IamAccessKeys(IamStore store, Permissions permissions, String region) {
        super(store, permissions, region);
    }

    @Override
    void register(IamApi.ActionTable t) {
        t.on("CreateAccessKey", this::createAccessKey);
        t.on("ListAccessKeys", this::listAccessKeys);
        t.on("UpdateAccessKey", this::updateAccessKey);
        t.on("DeleteAccessKey", this::deleteAccessKey);
        t.on("GetAccessKeyLastUsed", this::getAccessKeyLastUsed);
        t.on("ListSSHPublicKeys", this::listOtherCredentials);
        t.on("ListServiceSpecificCredentials", this::listOtherCredentials);
        t.on("ListSigningCertificates", this::listOtherCredentials);
    }

    private byte[] createAccessKey(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.optional("UserName").orElseGet(() -> selfUser(r));
        authorize(r, "iam:CreateAccessKey", userArn(acct, user));
        AccessKey k = store.createAccessKey(acct, user);
        r.traceResponse("accessKey.userName", user);
        r.traceResponse("accessKey.accessKeyId", k.accessKeyId());
        r.traceResponse("accessKey.status", k.status());
        return ok(
                r,
                x -> x.start("AccessKey")
                        .element("UserName", user)
                        .element("AccessKeyId", k.accessKeyId())
                        .element("Status", k.status())
                        .element("SecretAccessKey", k.secretKey())
                        .element("CreateDate", QueryXml.date(Instant.now()))
                        .end());
    }

    private byte[] listAccessKeys(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.optional("UserName").orElseGet(() -> selfUser(r));
        authorize(r, "iam:ListAccessKeys", userArn(acct, user));
        return page(
                r,
                "AccessKeyMetadata",
                store.listAccessKeys(acct, user),
                (x, k) -> x.start("member")
                        .element("UserName", k.userName())
                        .element("AccessKeyId", k.accessKeyId())
                        .element("Status", k.status())
                        .element("CreateDate", QueryXml.date(k.created()))
                        .end());
    }

    private byte[] updateAccessKey(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.optional("UserName").orElseGet(() -> selfUser(r));
        authorize(r, "iam:UpdateAccessKey", userArn(acct, user));
        store.updateAccessKey(acct, user, r.required("AccessKeyId"), r.required("Status"));
        return ok(r, null);
    }

    private byte[] deleteAccessKey(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.optional("UserName").orElseGet(() -> selfUser(r));
        authorize(r, "iam:DeleteAccessKey", userArn(acct, user));
        String id = r.required("AccessKeyId");
        if (id.equals(r.caller().accessKeyId()) && r.caller().isAccountAdmin()) {
            throw new IamException(
                    IamErrorCode.DELETE_CONFLICT, "The administrator cannot delete the key it is signing with.");
        }
        store.deleteAccessKey(acct, user, id);
        return ok(r, null);
    }

    private byte[] getAccessKeyLastUsed(QueryRequest r) {
        String acct = r.caller().accountId();
        String id = r.required("AccessKeyId");
        IamStore.KeyInfo k = store.keyInfo(acct, id)
                .orElseThrow(
                        () -> IamException.accessDenied("The access key " + id + " does not belong to your account."));
        authorize(r, "iam:GetAccessKeyLastUsed", userArn(acct, k.userName()));
        Optional<IamStore.KeyUse> use = store.lastUsed(id);
        return ok(r, x -> {
            x.element("UserName", k.userName()).start("AccessKeyLastUsed");
            if (use.isPresent()) {
                x.element("LastUsedDate", QueryXml.date(use.get().used()))
                        .element("ServiceName", use.get().service())
                        .element("Region", use.get().region());
            } else {
                x.element("ServiceName", "N/A").element("Region", "N/A");
            }
            x.end();
        });
    }

    private byte[] listOtherCredentials(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String user = r.optional("UserName").orElseGet(() -> selfUser(r));
        authorize(r, "iam:" + a, userArn(acct, user));
        dir.get(acct, "user", user);
        String element = switch (a) {
            case "ListSSHPublicKeys" -> "SSHPublicKeys";
            case "ListServiceSpecificCredentials" -> "ServiceSpecificCredentials";
            default -> "Certificates";
        };
        return ok(r, x -> {
            x.start(element).end();
            if (!a.equals("ListServiceSpecificCredentials")) x.element("IsTruncated", false);
        });
    }
}
