package org.aceforge.engine.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;

/** One ONNX node attribute. */
public record Attr(AttributeProto proto) {

    public static Attr i(String name, long v) {
        return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build());
    }

    public static Attr f(String name, double v) {
        return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF((float) v).build());
    }

    public static Attr s(String name, String v) {
        return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build());
    }

    public static Attr ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return new Attr(b.build());
    }

    /** A subgraph (the branches of an If). */
    public static Attr graph(String name, ai.onnx.proto.OnnxMl.GraphProto v) {
        return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(v).build());
    }
}
