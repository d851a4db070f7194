/**
 * ACL authorization, with the semantics of Kafka's StandardAuthorizer: {@link io.samsa.broker.authorizer.AclMatcher}
 * (the matching rules over the metadata image's ACL bindings, pure), {@link io.samsa.broker.authorizer.AclAuthorizer}
 * (super users, the audit logger {@code kafka.authorizer.logger}) behind {@link io.samsa.broker.authorizer.Authorizer},
 * which is {@code Authorizer.NONE} without {@code authorizer.class.name}. Requests ask through
 * {@code RequestContext.authorize}; the APIs that need a cluster operation as a whole are checked by the dispatcher
 * ({@link io.samsa.broker.authorizer.ClusterOperations}), every other resource in its handler, with Kafka's error
 * codes. Bindings are written by the metadata controller (CreateAcls / DeleteAcls) and read from the image on any
 * thread. A cluster whose brokers talk over a PLAINTEXT inter-broker listener does so as {@code User:ANONYMOUS}:
 * with the authorizer on, that principal must be in {@code super.users} (follower fetches need CLUSTER_ACTION).
 */
package io.samsa.broker.authorizer;
