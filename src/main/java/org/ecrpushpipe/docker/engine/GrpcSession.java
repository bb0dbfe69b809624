package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The {@link BuildSession} on grpc-java: the pipe's side of {@code POST /session}, where the engine is the gRPC
 * client and the pipe serves {@link SessionServices}. grpc-java's Netty server listens on an in-process Netty address (no
 * port is opened), and the bytes of the upgraded engine connection are relayed to and from a local channel
 * connected to it: a thread reads the engine's side, the channel's handler writes back. The build request names
 * the session by {@link #id()}; closing it (the build ended, failed or was cancelled) closes the connection, and
 * the engine forgets the session.
 */
final class GrpcSession implements BuildSession {
    private static final String ID_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final EventLoopGroup group;
    private final Server server;
    private final SessionSocket socket;
    private final Channel bridge;

    private GrpcSession(String id, EventLoopGroup group, Server server, SessionSocket socket, Channel bridge) {
        this.id = id;
        this.group = group;
        this.server = server;
        this.socket = socket;
        this.bridge = bridge;
    }

    /**
     * Opens a session on the engine at {@code dockerHost}.
     *
     * @param name the session's name as the engine shows it
     * @throws SessionSocket.Refused when the engine does not take the session
     * @throws IOException           when the engine cannot be reached
     */
    static GrpcSession open(String dockerHost, String name, SessionServices services) throws IOException {
        String id = newId();
        EventLoopGroup group = new DefaultEventLoopGroup(1, new DefaultThreadFactory("buildkit-session", true));
        LocalAddress address = new LocalAddress("buildkit-session-" + id);
        Server server = null;
        SessionSocket socket = null;
        try {
            server = serve(address, group, services);
            socket = SessionSocket.open(dockerHost, id, name, services.methods());
            Channel bridge = bridge(address, group, socket.output());
            relay(socket.input(), bridge, id);
            return new GrpcSession(id, group, server, socket, bridge);
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                socket.close();
            }
            if (server != null) {
                server.shutdownNow();
            }
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public String id() {
        return id;
    }

    /** 25 lower-case letters and digits, as the docker CLI's session ids. */
    private static String newId() {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            id.append(ID_LETTERS.charAt(RANDOM.nextInt(ID_LETTERS.length())));
        }
        return id.toString();
    }

    private static Server serve(LocalAddress address, EventLoopGroup group, SessionServices services)
            throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .channelType(LocalServerChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                // grpc-java asks every accepted channel for TCP keep-alive, which an in-process channel does not
                // have (Netty then logs a warning); null takes the option off again (ServerBootstrap.childOption)
                .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                .directExecutor();
        services.definitions().forEach(builder::addService);
        return builder.build().start();
    }

    /** A local channel to the server whose every read goes out to the engine. */
    private static Channel bridge(LocalAddress address, EventLoopGroup group, OutputStream engine)
            throws IOException {
        try {
            return new Bootstrap().group(group).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext context, Object message) throws IOException {
                            ByteBuf bytes = (ByteBuf) message;
                            try {
                                bytes.readBytes(engine, bytes.readableBytes());
                                engine.flush();
                            } finally {
                                bytes.release();
                            }
                        }
                    })
                    .connect(address).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the build session", e);
        }
    }

    /** Relays what the engine sends to the server, on a thread of its own, until either side closes. */
    private static void relay(InputStream engine, Channel bridge, String id) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                for (int n; (n = engine.read(buffer)) > 0; ) {
                    bridge.writeAndFlush(Unpooled.copiedBuffer(buffer, 0, n));
                }
            } catch (IOException closed) {
                // the engine ended the session, or close() did
            }
            bridge.close();
        }, "buildkit-session-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends the session: the engine sees the connection close and drops it. Never waits for the threads to end. */
    @Override
    public void close() {
        socket.close();
        bridge.close();
        server.shutdownNow();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
