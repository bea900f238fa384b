package io.sluice.it;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.emulator.EmulatorAws;
import io.sluice.localstack.emulator.KinesisEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every scenario of {@link LocalEventSourceMappingIT} again on kinesalite, which has no ChildShards in
 * GetRecords: the runtime must find children through ListShards alone.
 */
class LocalEventSourceMappingOnKinesaliteIT extends LocalEventSourceMappingIT {
    private static EmulatorAws kinesalite;

    @BeforeAll
    static void startKinesalite() {
        kinesalite = EmulatorAws.create(KinesisEngine.KINESALITE).start();
    }

    @AfterAll
    static void stopKinesalite() {
        kinesalite.close();
    }

    @Override
    protected LocalAws localAws(LocalAws shared) {
        return kinesalite;
    }
}
