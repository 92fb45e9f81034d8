package org.jitgrad.compile.emit;

import static org.jitgrad.compile.emit.Descriptors.*;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** A thin layer over ASM's {@link MethodVisitor}: constants, locals, fields of the generated class. */
final class MethodWriter implements Opcodes {
    final MethodVisitor mv;
    private final String owner;

    String owner() { return owner; }
    private int nextLocal;

    MethodWriter(MethodVisitor mv, String owner, int firstFreeLocal) {
        this.mv = mv;
        this.owner = owner;
        this.nextLocal = firstFreeLocal;
    }

    int newLocal() { return nextLocal++; }

    void pushInt(int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }

    void pushFloat(float v) {
        if (Float.floatToRawIntBits(v) == 0) mv.visitInsn(FCONST_0);
        else if (v == 1f) mv.visitInsn(FCONST_1);
        else if (v == 2f) mv.visitInsn(FCONST_2);
        else mv.visitLdcInsn(v);
    }

    /** Pushes a size: its constant, or {@code this.sizes[slot]} (only in instance methods). */
    void push(Extent e) {
        if (e.isConstant()) {
            pushInt(e.constant());
            return;
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, GENERATED_STEP, "sizes", "[I");
        pushInt(e.slot());
        mv.visitInsn(IALOAD);
    }

    void pushBoolean(boolean v) { mv.visitInsn(v ? ICONST_1 : ICONST_0); }

    /** Pushes {@code this.<field>} (a {@code float[]}). */
    void loadArrayField(String field) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, owner, field, "[F");
    }

    /** Pushes {@code this.<field>} of the given descriptor. */
    void loadField(String field, String descriptor) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, owner, field, descriptor);
    }

    void aload(int local) { mv.visitVarInsn(ALOAD, local); }

    void astore(int local) { mv.visitVarInsn(ASTORE, local); }

    void iload(int local) { mv.visitVarInsn(ILOAD, local); }

    void istore(int local) { mv.visitVarInsn(ISTORE, local); }

    void species() { mv.visitFieldInsn(GETSTATIC, LANES, "SPECIES", D_SPECIES); }

    void invokeStatic(String owner, String name, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, owner, name, desc, false);
    }

    /** An instance method of {@code FloatVector}. */
    void vector(String name, String desc) {
        mv.visitMethodInsn(INVOKEVIRTUAL, FLOAT_VECTOR, name, desc, false);
    }

    void operator(String name, String desc) {
        mv.visitFieldInsn(GETSTATIC, OPERATORS, name, desc);
    }

    /** Calls a private no-argument method of the generated class on {@code this}. */
    void callOwn(String method) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESPECIAL, owner, method, "()V", false);
    }
}
