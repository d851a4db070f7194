package io.samsa.clients.consumer.group;

import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.consumer.io.ConsumerIo;

/**
 * Heartbeats from the I/O thread while the member is stable, every {@code heartbeat.interval.ms}, whatever the
 * application is doing. Turns the answers into flags for the next poll: REBALANCE_IN_PROGRESS → rejoin;
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID → fenced (partitions lost); coordinator errors or
 * no answer for {@code session.timeout.ms} → find the coordinator again. Also enforces
 * {@code max.poll.interval.ms}: a member not polled for that long leaves the group.
 */
final class Heartbeat implements ConsumerIo.Participant {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final GroupMember member;
    private boolean inFlight;
    private volatile long nextHeartbeatMs;
    private volatile long lastSuccessMs;

    Heartbeat(GroupMember member, ConsumerIo io) {
        this.member = member;
    }

    void reset(long nowMs) {
        nextHeartbeatMs = nowMs + member.settings.heartbeatIntervalMs();
        lastSuccessMs = nowMs;
    }

    @Override
    public long onTurn(long nowMs) {
        if (member.state != GroupMember.State.STABLE || member.fenced) {
            return 100;
        }
        Integer coordinator = member.coordinator.connection();
        if (coordinator == null) {
            return 100;
        }
        if (nowMs - member.lastPollMs > member.settings.maxPollIntervalMs()) {
            member.leaveForPollTimeout();
            return 100;
        }
        if (nowMs - lastSuccessMs > member.settings.sessionTimeoutMs()) {
            LOG.info("No heartbeat answer for session.timeout.ms; looking for the coordinator again");
            member.coordinator.markUnknownIf(coordinator);
            member.rejoinNeeded = true;
            lastSuccessMs = nowMs;
            return 100;
        }
        if (inFlight || nowMs < nextHeartbeatMs) {
            return inFlight ? 100 : Math.min(100, nextHeartbeatMs - nowMs);
        }
        GroupMember.Generation g = member.generation;
        String instanceId = member.settings.groupInstanceId();
        inFlight = true;
        nextHeartbeatMs = nowMs + member.settings.heartbeatIntervalMs();
        member.coordinator.send(ApiKeys.HEARTBEAT, version -> {
            HeartbeatRequestData req = new HeartbeatRequestData().setGroupId(member.settings.groupId())
                    .setGenerationId(g.id()).setMemberId(g.memberId());
            if (version >= 3 && instanceId != null) {
                req.setGroupInstanceId(instanceId);
            }
            return req;
        }).whenComplete((r, e) -> {
            inFlight = false;
            if (e != null) {
                return; // the coordinator is forgotten; the next poll finds it again
            }
            Errors error = Errors.forCode(((HeartbeatResponseData) r.body()).errorCode());
            switch (error) {
                case NONE -> lastSuccessMs = System.currentTimeMillis();
                case REBALANCE_IN_PROGRESS -> {
                    lastSuccessMs = System.currentTimeMillis();
                    member.rejoinNeeded = true;
                }
                case ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID -> {
                    if (member.generation == g) {
                        member.fenced = true;
                    }
                }
                case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> member.coordinator.markUnknownIf(coordinator);
                default -> LOG.warn("Heartbeat failed: {}", error);
            }
            member.io().waiter().signal();
        });
        return member.settings.heartbeatIntervalMs();
    }
}
