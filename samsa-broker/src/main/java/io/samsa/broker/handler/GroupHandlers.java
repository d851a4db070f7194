package io.samsa.broker.handler;

import io.samsa.broker.api.RequestContext;

/** Small helpers shared by the group handlers. */
final class GroupHandlers {
    private GroupHandlers() {
    }

    /** The client host as Kafka reports it in DescribeGroups ("/" + address). */
    static String clientHost(RequestContext context) {
        return context.client() == null ? "" : "/" + context.client().host();
    }
}
