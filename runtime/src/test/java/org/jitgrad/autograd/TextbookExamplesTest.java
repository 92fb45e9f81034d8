package org.jitgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The classic hand-worked backprop examples, checked exactly (or to the printed decimals). */
class TextbookExamplesTest {
    @Test
    void sumTimesProduct() {
        Tensor x = Tensor.scalar(-2f).requiresGrad();
        Tensor y = Tensor.scalar(5f).requiresGrad();
        Tensor z = Tensor.scalar(-4f).requiresGrad();
        Tensor f = x.add(y).mul(z);
        assertEquals(-12f, f.item());
        f.backward();
        assertEquals(-4f, x.grad().item());
        assertEquals(-4f, y.grad().item());
        assertEquals(3f, z.grad().item());
    }

    @Test
    void sigmoidNeuron() {
        Tensor w0 = Tensor.scalar(2f).requiresGrad(), w1 = Tensor.scalar(-3f).requiresGrad(), w2 = Tensor.scalar(-3f).requiresGrad();
        Tensor x0 = Tensor.scalar(-1f).requiresGrad(), x1 = Tensor.scalar(-2f).requiresGrad();
        Tensor f = w0.mul(x0).add(w1.mul(x1)).add(w2).sigmoid();
        assertEquals(0.7311, f.item(), 5e-5);
        f.backward();
        assertEquals(0.393, x0.grad().item(), 5e-4);
        assertEquals(-0.590, x1.grad().item(), 5e-4);
        assertEquals(-0.197, w0.grad().item(), 5e-4);
        assertEquals(-0.393, w1.grad().item(), 5e-4);
        assertEquals(0.197, w2.grad().item(), 5e-4);
    }

    @Test
    void sigmoidNeuronVectorised() {
        // the same neuron as a dot product: [w0, w1] · [x0, x1] + w2
        Tensor w = Tensor.of(new float[] {2f, -3f}, 1, 2).requiresGrad();
        Tensor x = Tensor.of(new float[] {-1f, -2f}, 2, 1).requiresGrad();
        Tensor b = Tensor.of(new float[] {-3f}, 1, 1).requiresGrad();
        Tensor f = w.matmul(x).add(b).sigmoid();
        assertEquals(0.7311, f.item(), 5e-5);
        f.backward();
        float[] dx = x.grad().toArray(), dw = w.grad().toArray();
        assertEquals(0.393, dx[0], 5e-4);
        assertEquals(-0.590, dx[1], 5e-4);
        assertEquals(-0.197, dw[0], 5e-4);
        assertEquals(-0.393, dw[1], 5e-4);
        assertEquals(0.197, b.grad().item(), 5e-4);
    }

    @Test
    void valueUsedTwiceGetsBothBranches() {
        // f = (a + b) * (b + c): df/db = (b + c) + (a + b)
        Tensor a = Tensor.scalar(2f).requiresGrad(), b = Tensor.scalar(3f).requiresGrad(), c = Tensor.scalar(-7f).requiresGrad();
        Tensor f = a.add(b).mul(b.add(c));
        assertEquals(-20f, f.item());
        f.backward();
        assertEquals(-4f, a.grad().item());
        assertEquals(1f, b.grad().item());
        assertEquals(5f, c.grad().item());
    }

    @Test
    void intermediateUsedTwiceGetsBothBranches() {
        // u = a * 3 feeds two ops; f = u*u + u  => df/da = (2u + 1) * 3
        Tensor a = Tensor.scalar(2f).requiresGrad();
        Tensor u = a.mul(3f);
        Tensor f = u.mul(u).add(u);
        assertEquals(42f, f.item());
        f.backward();
        assertEquals(39f, a.grad().item());
    }

    @Test
    void sameTensorAsBothInputs() {
        Tensor x = Tensor.of(new float[] {1f, -2f, 3f}, 3).requiresGrad();
        x.mul(x).sum().backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {2f, -4f, 6f}, x.grad().toArray());
    }
}
