package org.jitgrad.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ExampleQueueTest {
    private static final int F = 3;

    /** {@code n} rows numbered from {@code first}: label = number, features = number*10 + column. */
    private static CsvRows.Rows rows(int first, int n) {
        float[] x = new float[n * F];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            y[r] = first + r;
            for (int c = 0; c < F; c++) x[r * F + c] = (first + r) * 10 + c;
        }
        return new CsvRows.Rows(x, y, n, F);
    }

    @Test
    void examplesComeOutInOrderAcrossManyWrapsOfTheRing() throws InterruptedException {
        ExampleQueue q = new ExampleQueue(10, F);
        Random rnd = new Random(7);
        int sent = 0, received = 0;
        float[] x = new float[4 * F], y = new float[4];
        for (int round = 0; round < 500; round++) {
            int n = 1 + rnd.nextInt(6);
            ExampleQueue.Offer o = q.offer(rows(sent, n));
            if (o == ExampleQueue.Offer.ACCEPTED) sent += n;
            else assertEquals(ExampleQueue.Offer.FULL, o);
            if (q.depth() > 0 && rnd.nextBoolean()) {
                int k = q.take(x, y, 1 + rnd.nextInt(4), 0);
                for (int r = 0; r < k; r++, received++) {
                    assertEquals(received, y[r], "label of example " + received);
                    for (int c = 0; c < F; c++) assertEquals(received * 10 + c, x[r * F + c], "feature " + c + " of example " + received);
                }
                q.trained(k);
            }
        }
        assertTrue(sent > 100, "the ring wrapped many times: " + sent + " examples");
        ExampleQueue.Ledger l = q.ledger();
        assertEquals(l.accepted(), l.trained() + l.inFlight() + l.depth());
    }

    @Test
    void aRequestThatDoesNotFitTakesNothing() throws InterruptedException {
        ExampleQueue q = new ExampleQueue(5, F);
        assertEquals(ExampleQueue.Offer.ACCEPTED, q.offer(rows(0, 3)));
        assertEquals(ExampleQueue.Offer.FULL, q.offer(rows(3, 3)));
        assertEquals(3, q.depth());
        assertEquals(3, q.accepted());
        assertEquals(ExampleQueue.Offer.ACCEPTED, q.offer(rows(3, 2)));
        q.close();
        assertEquals(ExampleQueue.Offer.CLOSED, q.offer(rows(5, 1)));
        float[] x = new float[8 * F], y = new float[8];
        assertEquals(5, q.take(x, y, 8, 1_000_000));
        assertEquals(4f, y[4]);
        assertEquals(0, q.take(x, y, 8, 0));
    }

    @Test
    void rowsOfTheWrongWidthAndImpossibleSizesAreRefused() {
        ExampleQueue q = new ExampleQueue(4, F);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> q.offer(new CsvRows.Rows(new float[2], new float[1], 1, 2)));
        assertTrue(e.getMessage().contains("2 features"), e.getMessage());
        assertEquals(0, q.depth());
        e = assertThrows(IllegalArgumentException.class, () -> new ExampleQueue(1 << 20, 1 << 12));
        assertTrue(e.getMessage().contains("--queue-capacity"), e.getMessage());
    }
}
