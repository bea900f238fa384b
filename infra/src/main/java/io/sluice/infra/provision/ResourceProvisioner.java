package io.sluice.infra.provision;

import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateResource;


/** Creates one type of resource; an existing resource of the same name counts as success. */
interface ResourceProvisioner {
    /**
     * @return {@code true} if created, {@code false} if it already existed
     */
    boolean provision(TemplateResource resource, Template template, SdkClients clients);
}
