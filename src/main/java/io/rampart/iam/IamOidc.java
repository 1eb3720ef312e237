package io.rampart.iam;

import java.util.ArrayList;
import java.util.List;

/**
 * The IAM actions on OpenID Connect identity providers (the issuers AssumeRoleWithWebIdentity trusts).
 */
final class IamOidc extends IamFamily {
    IamOidc(IamStore store, Permissions permissions, String region) {
        super(store, permissions, region);
    }

    @Override
    void register(IamApi.ActionTable t) {
        t.on("CreateOpenIDConnectProvider", this::createOpenIDConnectProvider);
        t.on("GetOpenIDConnectProvider", this::getOpenIDConnectProvider);
        t.on("ListOpenIDConnectProviders", this::listOpenIDConnectProviders);
        t.on("DeleteOpenIDConnectProvider", this::deleteOpenIDConnectProvider);
        t.on("AddClientIDToOpenIDConnectProvider", this::changeClientIds);
        t.on("RemoveClientIDFromOpenIDConnectProvider", this::changeClientIds);
    }

    private byte[] createOpenIDConnectProvider(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:CreateOpenIDConnectProvider", "*");
        OidcProviders.Provider p = store.oidc()
                .create(
                        acct,
                        r.required("Url"),
                        r.list("ClientIDList", null),
                        r.list("ThumbprintList", null),
                        r.tags("Tags"));
        return ok(r, x -> x.element("OpenIDConnectProviderArn", p.arn()));
    }

    private byte[] getOpenIDConnectProvider(QueryRequest r) {
        String acct = r.caller().accountId();
        String arn = r.required("OpenIDConnectProviderArn");
        authorize(r, "iam:GetOpenIDConnectProvider", arn);
        OidcProviders.Provider p = store.oidc().get(acct, arn);
        return ok(r, x -> {
            x.element("Url", p.hostPath()).start("ClientIDList");
            p.clientIds().forEach(c -> x.element("member", c));
            x.end().start("ThumbprintList");
            p.thumbprints().forEach(t -> x.element("member", t));
            x.end().element("CreateDate", QueryXml.date(p.created()));
            if (!p.tags().isEmpty()) tags(x, p.tags());
        });
    }

    private byte[] listOpenIDConnectProviders(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:ListOpenIDConnectProviders", "*");
        List<OidcProviders.Provider> all = store.oidc().list(acct);
        return ok(r, x -> {
            x.start("OpenIDConnectProviderList");
            all.forEach(p -> x.start("member").element("Arn", p.arn()).end());
            x.end();
        });
    }

    private byte[] deleteOpenIDConnectProvider(QueryRequest r) {
        String acct = r.caller().accountId();
        String arn = r.required("OpenIDConnectProviderArn");
        authorize(r, "iam:DeleteOpenIDConnectProvider", arn);
        store.oidc().delete(acct, arn);
        return ok(r, null);
    }

    private byte[] changeClientIds(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String arn = r.required("OpenIDConnectProviderArn");
        authorize(r, "iam:" + a, arn);
        List<String> ids = new ArrayList<>(store.oidc().get(acct, arn).clientIds());
        String id = r.required("ClientID");
        if (a.startsWith("Add")) {
            if (!ids.contains(id)) ids.add(id);
        } else {
            ids.remove(id);
        }
        store.oidc().updateClientIds(acct, arn, ids);
        return ok(r, null);
    }
}
