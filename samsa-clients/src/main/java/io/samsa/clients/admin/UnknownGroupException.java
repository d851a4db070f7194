package io.samsa.clients.admin;

import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** The group coordinator does not know the group (never joined, or deleted); carries the group id. */
public final class UnknownGroupException extends GroupIdNotFoundException {
    private final String groupId;

    public UnknownGroupException(String groupId) {
        super("Group '" + groupId + "' does not exist");
        this.groupId = groupId;
    }

    public String groupId() {
        return groupId;
    }
}
