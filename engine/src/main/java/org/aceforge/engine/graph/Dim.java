package org.aceforge.engine.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One tensor dimension as the graph builder knows it before run time: a number times a product of named sizes
 * (the graph inputs' symbolic dimensions such as {@code frames}, or a placeholder for a size the builder cannot
 * follow). Two equal {@code Dim}s are the same size at run time whatever the inputs; two different ones may or may
 * not be, so only equality is ever trusted.
 *
 * @param coeff   the numeric factor
 * @param symbols the named factors, sorted (a name may repeat); empty for a plain number
 */
record Dim(long coeff, List<String> symbols) {
    Dim {
        symbols = List.copyOf(symbols);
    }

    static Dim of(long n) {
        return new Dim(n, List.of());
    }

    static Dim named(String name) {
        return new Dim(1, List.of(name));
    }

    boolean isNumber() {
        return symbols.isEmpty();
    }

    /** Whether this is the number {@code n}. */
    boolean is(long n) {
        return isNumber() && coeff == n;
    }

    Dim times(Dim o) {
        List<String> s = new ArrayList<>(symbols);
        s.addAll(o.symbols);
        Collections.sort(s);
        return new Dim(coeff * o.coeff, s);
    }

    /** This divided by {@code o} when the quotient is again a whole {@code Dim}; null otherwise. */
    Dim over(Dim o) {
        if (o.coeff == 0 || coeff % o.coeff != 0) return null;
        List<String> s = new ArrayList<>(symbols);
        for (String x : o.symbols) if (!s.remove(x)) return null;
        return new Dim(coeff / o.coeff, s);
    }

    /** The sum when both have the same named factors (so it is again one {@code Dim}); null otherwise. */
    Dim plus(Dim o) {
        return symbols.equals(o.symbols) ? new Dim(coeff + o.coeff, symbols) : null;
    }

    @Override
    public String toString() {
        if (isNumber()) return Long.toString(coeff);
        String s = String.join("·", symbols);
        return coeff == 1 ? s : coeff + "·" + s;
    }
}
