package org.ecrpushpipe.docker.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.ecrpushpipe.config.BuildSecret;
import org.ecrpushpipe.docker.engine.session.CredentialsRequest;
import org.ecrpushpipe.docker.engine.session.CredentialsResponse;
import org.ecrpushpipe.docker.engine.session.GetSecretRequest;
import org.ecrpushpipe.docker.engine.session.GetSecretResponse;
import org.ecrpushpipe.docker.engine.session.HealthCheckRequest;
import org.ecrpushpipe.docker.engine.session.HealthCheckResponse;
import org.ecrpushpipe.registry.RegistryCredentials;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * What a build's session serves the engine, as the docker CLI serves it: the build's secrets
 * ({@code moby.buildkit.secrets.v1.Secrets/GetSecret}; an id it does not hold is {@code NOT_FOUND}, so an optional
 * mount is skipped and a required one fails), the run's registry logins for BuildKit's own pulls
 * ({@code moby.filesync.v1.Auth/Credentials}; a registry it holds none for gets an empty answer: an anonymous pull),
 * and {@code grpc.health.v1.Health/Check}, without which the engine drops the session. {@code GetTokenAuthority} is
 * left unserved: the engine takes its {@code UNIMPLEMENTED} as "fetch the token yourself with the credentials".
 * The services are written by hand from the messages, so no gRPC code generator is needed.
 */
final class SessionServices {
    static final String SECRETS = "moby.buildkit.secrets.v1.Secrets";
    static final String AUTH = "moby.filesync.v1.Auth";
    static final String HEALTH = "grpc.health.v1.Health";
    /** The registry Docker Hub's images are pulled from, which the engine names instead of {@code docker.io}. */
    private static final String DOCKER_HUB_PULLS = "registry-1.docker.io";

    private final Map<String, byte[]> secrets = new LinkedHashMap<>();
    private final Map<String, RegistryCredentials> logins = new LinkedHashMap<>();

    SessionServices(List<BuildSecret> secrets, List<RegistryCredentials> logins) {
        secrets.forEach(s -> this.secrets.put(s.id(), s.reveal()));
        logins.forEach(l -> this.logins.putIfAbsent(l.registryHost().toLowerCase(Locale.ROOT), l));
    }

    /** The methods served, as the session request names them. */
    List<String> methods() {
        return List.of("/" + HEALTH + "/Check", "/" + SECRETS + "/GetSecret", "/" + AUTH + "/Credentials");
    }

    List<ServerServiceDefinition> definitions() {
        return List.of(health(), secrets(), auth());
    }

    private ServerServiceDefinition secrets() {
        MethodDescriptor<GetSecretRequest, GetSecretResponse> getSecret = unary(SECRETS, "GetSecret",
                GetSecretRequest.getDefaultInstance(), GetSecretResponse.getDefaultInstance());
        return ServerServiceDefinition.builder(SECRETS)
                .addMethod(getSecret, ServerCalls.asyncUnaryCall(this::getSecret)).build();
    }

    private void getSecret(GetSecretRequest request, StreamObserver<GetSecretResponse> response) {
        byte[] value = secrets.get(request.getID());
        if (value == null) {
            response.onError(Status.NOT_FOUND.withDescription("secret " + request.getID() + " not found")
                    .asRuntimeException());
            return;
        }
        response.onNext(GetSecretResponse.newBuilder().setData(ByteString.copyFrom(value)).build());
        response.onCompleted();
    }

    private ServerServiceDefinition auth() {
        MethodDescriptor<CredentialsRequest, CredentialsResponse> credentials = unary(AUTH, "Credentials",
                CredentialsRequest.getDefaultInstance(), CredentialsResponse.getDefaultInstance());
        return ServerServiceDefinition.builder(AUTH)
                .addMethod(credentials, ServerCalls.asyncUnaryCall(this::credentials)).build();
    }

    private void credentials(CredentialsRequest request, StreamObserver<CredentialsResponse> response) {
        String host = request.getHost().toLowerCase(Locale.ROOT);
        RegistryCredentials login = logins.get(host.equals(DOCKER_HUB_PULLS) ? "docker.io" : host);
        CredentialsResponse.Builder answer = CredentialsResponse.newBuilder();
        if (login != null) {
            answer.setUsername(login.username()).setSecret(login.password().reveal());
        }
        response.onNext(answer.build());
        response.onCompleted();
    }

    private static ServerServiceDefinition health() {
        MethodDescriptor<HealthCheckRequest, HealthCheckResponse> check = unary(HEALTH, "Check",
                HealthCheckRequest.getDefaultInstance(), HealthCheckResponse.getDefaultInstance());
        return ServerServiceDefinition.builder(HEALTH).addMethod(check, ServerCalls.asyncUnaryCall(
                (request, response) -> {
                    response.onNext(HealthCheckResponse.newBuilder()
                            .setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
                    response.onCompleted();
                })).build();
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(String service, String method,
                                                                                      Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .build();
    }
}
